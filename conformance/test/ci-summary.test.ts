// .ci/summary.mjs ends the CI log: it quotes each test step's own summary lines under the
// step's header and adds the counts up, and fails when it found none.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/probe/probe-path.ts";

const SUMMARY = join(packageRoot(), ".ci", "summary.mjs");
const dir = mkdtempSync(join(tmpdir(), "ci-summary-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summarise = (log: string) => {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, log);
  return spawnSync("node", [SUMMARY, file], { encoding: "utf8" });
};

describe(".ci/summary.mjs", () => {
  it("quotes vitest's and the kit's summary lines under their steps and adds them up", () => {
    const log = [
      "",
      "ci step: npm test (Node v20): unit + integration tests",
      " ✓ schema/test/a.test.ts (3 tests) 12ms",
      "\x1b[2m Test Files \x1b[22m \x1b[1m\x1b[32m83 passed\x1b[39m\x1b[22m\x1b[90m (83)\x1b[39m",
      "\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[32m795 passed\x1b[39m\x1b[22m | 7 skipped\x1b[90m (802)\x1b[39m",
      "conformance: 289 passed, 0 failed",
      "properties: 12 passed, 0 failed, 0 skipped",
      "",
      "ci step: schema gate",
      "0 breaking, 0 warning, 0 info, 0 waived: ok",
      "ci step: the corpus against Codex 0.169.0",
      "conformance: 287 passed, 1 failed",
      "ci step: summary of the test steps above",
      "",
    ].join("\n");
    const { status, stdout } = summarise(log);
    expect(stdout.split("\n")).toEqual([
      "ci step: npm test (Node v20): unit + integration tests",
      " Test Files  83 passed (83)",
      "      Tests  795 passed | 7 skipped (802)",
      "conformance: 289 passed, 0 failed",
      "properties: 12 passed, 0 failed, 0 skipped",
      "ci step: the corpus against Codex 0.169.0",
      "conformance: 287 passed, 1 failed",
      "added up over 4 test runs:",
      "ci: 1383 passed, 1 failed, 7 skipped",
      "",
    ]);
    expect(status).toBe(0);
  });

  it("closes on a line in the plain form a CI reader counts, with nothing after it", () => {
    const { stdout } = summarise("ci step: npm test\nconformance: 3 passed, 0 failed\n");
    const last = stdout.trimEnd().split("\n").at(-1);
    // "N passed, N failed" alone on a line, ", N skipped" after it, one "word:" before it.
    expect(last).toMatch(/^\w+: \d+ passed, \d+ failed(, \d+ skipped)?$/);
    expect(stdout.endsWith(`${last}\n`)).toBe(true);
  });

  it("prints no line that reads as another runner's: go test's === / --- lines, prove's bare ok", () => {
    const { stdout } = summarise("ci step: npm test\nconformance: 3 passed, 0 failed\nci step: schema gate\n0 breaking: ok\n");
    for (const line of stdout.split("\n")) {
      expect(line).not.toMatch(/^(===|---) /);
      expect(line).not.toMatch(/ ok$/);
    }
  });

  it("exits 1 when the log holds no count at all", () => {
    const { status, stdout } = summarise("ci step: differential\nno undeclared divergence\n");
    expect(stdout).toBe("added up over 0 test runs:\nci: 0 passed, 0 failed, 0 skipped\n");
    expect(status).toBe(1);
  });
});
