// The same kit sources run under Deno 2 (npx deno): run a tiny corpus against the fake server.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../src/probe/probe-path.ts";
import { FAKE_SERVER } from "./support/helpers.ts";

const DENO = join(packageRoot(), "node_modules", ".bin", "deno");

describe.skipIf(!existsSync(DENO))("under Deno", () => {
  it("runs fixtures and writes a JSON report", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-deno-"));
    mkdirSync(join(dir, "fx", "a"), { recursive: true });
    const fixture = (id: string, steps: unknown[]) => writeFileSync(join(dir, "fx", "a", `${id}.jsonc`), JSON.stringify({ id, title: id, spec: "s", steps }));
    fixture("d.pass", [{ step: "writeFile", path: "f", content: "x" }, { step: "expectFile", path: "f", content: "x" }]);
    fixture("d.fail", [{ step: "expectFile", path: "missing" }]);
    const r = spawnSync(
      DENO,
      ["run", "-A", join(packageRoot(), "conformance", "src", "cli", "main.ts"), "run", "--no-properties", "--server", `"${process.execPath}" "${FAKE_SERVER}"`,
        "--fixtures", join(dir, "fx"), "--reporter", "json", "--out", join(dir, "r.json")],
      { encoding: "utf8", timeout: 60_000, cwd: packageRoot() },
    );
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, "r.json"), "utf8")) as { counts: Record<string, number> };
    expect(report.counts.pass).toBe(1);
    expect(report.counts.fail).toBe(1);
  }, 60_000);
});
