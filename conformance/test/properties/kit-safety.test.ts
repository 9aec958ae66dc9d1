// The properties never change what the kit judges with and never fail a correct server
// by accident: no regression fixture is written unless asked, a known false failure of
// bad-input/junk stays fixed, and a failure report carries the server's stderr once.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { adHocImplementation } from "../../src/descriptor/implementation.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { runProperties } from "../../src/properties/run.ts";
import { cli, cliBuilt, NODE, PARTIAL_SERVER, partialServer } from "../support/cli.ts";
import { PROBE_BUILT, REFERENCE_BUILT, referenceImplementation } from "./support/servers.ts";

const scratch = mkdtempSync(join(tmpdir(), "asc-kit-safety-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const partial = () => adHocImplementation([NODE, PARTIAL_SERVER], ["unix", "signals"]);

describe.skipIf(!REFERENCE_BUILT || !PROBE_BUILT)("properties are safe to run", () => {
  it("bad-input/junk does not fail the reference server on seed 1089985907 (ids no longer collide)", { timeout: 60_000 }, async () => {
    const report = await runProperties({ implementation: referenceImplementation(), only: ["bad-input/junk"], seed: 1089985907, scale: 0.4, shrinkBudgetMs: 2000 });
    const r = report.results[0]!;
    expect(r.status, `${r.message}\n${r.counterexample}`).toBe("pass");
  });

  it("lifecycle/exec does not fail the reference server on seed 144 (no control characters into a PTY)", { timeout: 60_000 }, async () => {
    const report = await runProperties({ implementation: referenceImplementation(), only: ["lifecycle/exec"], seed: 144, path: "0:3:2:4:12@i:B", scale: 0.25, shrinkBudgetMs: 1 });
    const r = report.results[0]!;
    expect(r.status, `${r.message}\n${r.counterexample}`).toBe("pass");
  });

  it("a failure writes no fixture unless a directory is given, and then only there", { timeout: 60_000 }, async () => {
    const corpus = join(packageRoot(), "fixtures", "regressions");
    const before = existsSync(corpus) ? readdirSync(corpus) : [];
    const report = await runProperties({ implementation: partial(), only: ["output-cap/exec"], runs: 20, seed: 3, shrinkBudgetMs: 2000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.fixtureFile).toBeUndefined();
    expect(existsSync(corpus) ? readdirSync(corpus) : []).toEqual(before);
    // The shrunk case's server stderr is part of the result.
    expect(r.stderrTail).toMatch(/partial-server: command\/exec/);
    const dir = join(scratch, "mine");
    const again = await runProperties({ implementation: partial(), only: ["output-cap/exec"], runs: 20, seed: 3, shrinkBudgetMs: 2000, regressionsDir: dir });
    expect(again.results[0]!.fixtureFile).toBeDefined();
    expect(readdirSync(dir).filter((f) => f.endsWith(".jsonc"))).toHaveLength(1);
    expect(existsSync(corpus) ? readdirSync(corpus) : []).toEqual(before);
  });
});

describe.skipIf(!cliBuilt || !PROBE_BUILT)("properties on the command line", () => {
  it("prints the counterexample once, with the server's stderr tail", { timeout: 90_000 }, async () => {
    const r = await cli(["properties", "--server", partialServer(), "--property", "output-cap/exec", "--runs", "20", "--seed", "3"], { cwd: scratch });
    expect(r.code).toBe(1);
    const all = `${r.stdout}\n${r.stderr}`;
    expect(all.match(/counterexample:/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/server stderr \(last lines\):\n\s+partial-server: /);
    expect(readdirSync(scratch).filter((f) => f.endsWith(".jsonc"))).toEqual([]);
  });
});
