// The CLI program in process (buildProgram): list, lint on good and broken corpora,
// fixture-schema --check, run with reports and --update-baseline against the fake server.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { FAKE_SERVER } from "../support/helpers.ts";

describe("cli", () => {
  async function cli(args: string[]): Promise<{ code: number | undefined; out: string }> {
    const { buildProgram } = await import("../../src/cli/program.ts");
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const before = process.exitCode;
    process.exitCode = undefined;
    (process.stdout as { write: unknown }).write = (s: string) => {
      chunks.push(String(s));
      return true;
    };
    try {
      await buildProgram().exitOverride().parseAsync(["node", "main", ...args]);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = before;
    return { code, out: chunks.join("") };
  }
  it("list prints the corpus", async () => {
    const { out } = await cli(["list", "--filter", "handshake.*"]);
    expect(out).toContain("handshake.initialize-result");
  });
  it("lint passes on the committed corpus", async () => {
    const { code, out } = await cli(["lint"]);
    expect(out).toMatch(/0 problem\(s\)/);
    expect(code).toBe(0);
  });
  it("lint catches duplicate ids, wrong file names and mislabelled invalid messages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-lint-"));
    mkdirSync(join(dir, "a"));
    const f = (id: string, steps: unknown[]) => JSON.stringify({ id, title: "t", spec: "s", steps });
    writeFileSync(join(dir, "a", "x.one.jsonc"), f("x.one", [{ step: "send", id: 1, method: "command/exec", params: { command: ["a"] }, invalid: true }]));
    writeFileSync(join(dir, "a", "x.two.jsonc"), f("x.one", [{ step: "expectResponse", id: 9 }, { step: "send", id: 2, method: "command/exec", params: { command: "a" } }]));
    writeFileSync(join(dir, "a", "x.three.jsonc"), "{ not jsonc");
    writeFileSync(join(dir, "a", "x.four.jsonc"), f("x.four", [{ step: "sleep", ms: 1, withinMS: 5 }]));
    writeFileSync(join(dir, "fixture.schema.json"), "{}\n");
    const { code, out } = await cli(["lint", "--fixtures", dir]);
    expect(code).toBe(1);
    expect(out).toContain("marked invalid but command/exec params are valid");
    expect(out).toContain("duplicate fixture id x.one");
    expect(out).toContain("the file must be named x.one.jsonc");
    expect(out).toContain("no request with id 9 was sent before");
    expect(out).toContain("params are invalid");
    expect(out).toContain("invalid JSONC");
    // Line and column of the misspelt key, and the closest known one.
    expect(out).toMatch(/x\.four\.jsonc:1:\d+: steps\.0: Unrecognized key: "withinMS" \(did you mean "withinMs"\?\)/);
    expect(out).toContain("out of date");
  });
  it("fixture-schema --check agrees with the committed fixture.schema.json", async () => {
    const { code } = await cli(["fixture-schema", "--check"]);
    expect(code).toBe(0);
    const schema = JSON.parse(readFileSync("fixtures/fixture.schema.json", "utf8")) as Record<string, unknown>;
    expect(Object.keys(schema)[0]).toBe("$comment");
  });
  it("run writes JUnit and JSON reports for an ad-hoc --server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-cli-"));
    const fx = join(dir, "fx", "a");
    mkdirSync(fx, { recursive: true });
    writeFileSync(join(fx, "t.ok.jsonc"), JSON.stringify({ id: "t.ok", title: "t", spec: "s", steps: [{ step: "sleep", ms: 1 }] }));
    const { code } = await cli([
      "run", "--no-properties", "--server", `"${process.execPath}" "${FAKE_SERVER}"`, "--fixtures", join(dir, "fx"),
      "--reporter", "junit", "--out", join(dir, "r.xml"), "--reporter", "json", "--out", join(dir, "r.json"),
    ]);
    expect(code).toBe(0);
    expect(readFileSync(join(dir, "r.xml"), "utf8")).toContain('name="t.ok"');
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).ok).toBe(true);
  });
  it("run --update-baseline writes the baseline, and the next run passes with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-upd-"));
    const fx = join(dir, "fx", "a");
    mkdirSync(fx, { recursive: true });
    writeFileSync(join(fx, "t.ok.jsonc"), JSON.stringify({ id: "t.ok", title: "t", spec: "s", steps: [{ step: "sleep", ms: 1 }] }));
    writeFileSync(join(fx, "t.bad.jsonc"), JSON.stringify({ id: "t.bad", title: "t", spec: "s", steps: [{ step: "waitFile", path: "never", withinMs: 50 }] }));
    const descriptor = join(dir, "impl.jsonc");
    writeFileSync(descriptor, JSON.stringify({ name: "fake", command: [process.execPath, FAKE_SERVER], baseline: "impl.baseline.jsonc" }));
    const first = await cli(["run", "--no-properties", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--reporter", "json", "--out", join(dir, "r.json")]);
    expect(first.code).toBe(1);
    await cli(["run", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--update-baseline", "--reporter", "json", "--out", join(dir, "r.json")]);
    const written = readFileSync(join(dir, "impl.baseline.jsonc"), "utf8");
    expect(written).toContain('"fixture": "t.bad"');
    expect(written).not.toContain("t.ok");
    const second = await cli(["run", "--no-properties", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--reporter", "json", "--out", join(dir, "r.json")]);
    expect(second.code).toBe(0);
  });
  it("the corpus has at least 120 fixtures across the required areas", async () => {
    const { out } = await cli(["list", "--json"]);
    const rows = JSON.parse(out) as { id: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(120);
    for (const area of ["handshake.", "errors.", "exec.", "process.", "connection.", "gating.", "sandbox."]) {
      expect(rows.some((r) => r.id.startsWith(area))).toBe(true);
    }
  });
});
