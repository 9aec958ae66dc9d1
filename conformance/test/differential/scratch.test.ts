// The differential's workspaces are made outside the temporary folder (scratch.ts says why):
// the folder is chosen outside os.tmpdir() when one is usable, and each session's runs use it.
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterAll, describe, expect, it } from "vitest";
import type { Implementation } from "../../src/descriptor/implementation.ts";
import { runDifferential } from "../../src/differential/runner.ts";
import { openScratch } from "../../src/differential/scratch.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { PROBE, probeBuilt } from "../support/helpers.ts";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (base = tmpdir()) => {
  const d = realpathSync(mkdtempSync(join(base, "asc-scratch-test-")));
  made.push(d);
  return d;
};

// A folder outside the temporary one to make test folders in (the default candidate).
const VAR_TMP = "/var/tmp";
const varTmpUsable = (() => {
  try {
    accessSync(VAR_TMP, constants.W_OK);
    return !realpathSync(VAR_TMP).startsWith(realpathSync(tmpdir()));
  } catch {
    return false;
  }
})();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.skipIf(!varTmpUsable)("openScratch", () => {
  it("the default is /var/tmp, outside the temporary folder", () => {
    const s = openScratch();
    s.remove();
    expect(s.underTmp).toBe(false);
    expect(s.dir.startsWith(`${realpathSync(VAR_TMP)}/asc-diff-`)).toBe(true);
  });

  it("takes the first usable candidate outside the temporary folder", () => {
    const outside = tempDir(VAR_TMP);
    const s = openScratch([join(outside, "missing"), outside]);
    try {
      expect(s.underTmp).toBe(false);
      expect(s.dir.startsWith(`${outside}/asc-diff-`)).toBe(true);
    } finally {
      s.remove();
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it("refuses a candidate inside the temporary folder and falls back to it, saying so", () => {
    const s = openScratch([tempDir()]);
    try {
      expect(s.underTmp).toBe(true);
      expect(s.dir.startsWith(`${realpathSync(tmpdir())}/asc-diff-`)).toBe(true);
    } finally {
      s.remove();
    }
  });
});

describe.skipIf(!probeBuilt || !varTmpUsable)("the differential's workspaces", () => {
  it("are made in the scratch folder, which is removed at the end", { timeout: 60_000 }, async () => {
    const outside = tempDir(VAR_TMP);
    const cwdLog = join(tempDir(), "cwds");
    // The reference server behind a shell that notes its working folder: the run's workspace.
    const server: Implementation = {
      name: "reference",
      file: undefined,
      argv: ["/bin/sh", "-c", 'pwd >>"$ASC_CWD_LOG" && exec "$0" "$@"', process.execPath, join(packageRoot(), "dist", "reference-server", "src", "main.cjs")],
      env: { ASC_CWD_LOG: cwdLog },
      features: [],
      timeoutMultiplier: 1,
      baselineFile: undefined,
      baseline: [],
      setupHint: undefined,
    };
    const report = await runDifferential({ server, oracle: server, probe: PROBE, areas: ["exec"], seed: 3, runs: 2, jobs: 1, known: [], scratchCandidates: [outside] });
    expect(report.findings).toEqual([]);
    const cwds = readFileSync(cwdLog, "utf8").trim().split("\n");
    expect(cwds.length).toBeGreaterThanOrEqual(4); // two sessions, each against both sides
    for (const cwd of cwds) expect(cwd).toMatch(new RegExp(`^${escape(outside)}/asc-diff-[^/]+/asc-ws-`));
    expect(readdirSync(outside)).toEqual([]);
  });
});
