// `report` and `matrix` as a user runs them (the built CLI): outputs, errors, exit codes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/probe/probe-path.ts";

const MAIN = join(packageRoot(), "dist", "conformance", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "asc-report-cli-"));
const cli = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", cwd: dir });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (implementation: string, outcome: string) => ({
  implementation,
  startedAt: "2026-01-01T00:00:00Z",
  durationMs: 1,
  fixtures: [{ id: "exec.buffered.exit-code", file: "f", title: "t", obligation: "required", tags: [], spec: [], outcome, detail: "", runs: [], durationMs: 1 }],
  unknownBaselineEntries: [],
});

describe.skipIf(!existsSync(MAIN))("report and matrix commands", () => {
  it("report --html writes one page and prints its path; --markdown the release table", () => {
    for (const [name, v, o] of [["a", "0.1.0", "fail"], ["b", "0.2.0", "pass"]]) writeFileSync(join(dir, `${name}.json`), JSON.stringify(run(`codex-${v}`, o!)));
    const r = cli("report", "--html", "out", "--markdown", "out/releases.md", "a.json", "b.json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([join(dir, "out", "index.html"), join(dir, "out", "releases.md")]);
    const html = readFileSync(join(dir, "out", "index.html"), "utf8");
    expect(html).toContain('data-text="exec.buffered.exit-code t"');
    // The steps come from the corpus.
    expect(html).toContain('"steps":[');
    expect(readFileSync(join(dir, "out", "releases.md"), "utf8")).toContain("- `exec.buffered.exit-code` at 0.2.0");
  }, 120_000);

  it("bad input: a clear message and exit 2", () => {
    writeFileSync(join(dir, "bad.json"), "{");
    for (const [args, message] of [
      [["report", "--html", "o", "bad.json"], /bad\.json: not JSON/],
      [["report", "--html", "o", "missing.json"], /missing\.json: cannot read \(ENOENT\)/],
      [["report", "a.json"], /give --html <dir>/],
      [["report", "--markdown", "x.md", "a.json"], /needs runs of at least two Codex releases/],
      [["matrix", "--out", "m"], /give --implementation/],
      [["matrix", "--out", "m", "--codex", "0.1.0..0.0.1"], /empty range/],
      [["matrix", "--out", "m", "--codex", "0.169.0", "--installed-only", "--cache-dir", dir, "--codex-home", join(tmpdir(), "h")], /under .*CODEX_HOME/],
      [["matrix", "--out", "m", "--codex", "0.169.0", "--installed-only", "--cache-dir", dir, "--codex-home", join(homedir(), ".asc-test-no-such-home")], /Codex 0\.169\.0 is not installed in .*--installed-only/],
    ] as const) {
      const r = cli(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  }, 300_000);
});
