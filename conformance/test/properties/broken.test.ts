// The kit catches deliberately broken servers: a proxy in front of the reference server
// corrupts one thing at a time. A failure must be shrunk, reported with seed and path,
// replayable, and written as a valid regression fixture.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseFixture } from "../../src/fixture/load.ts";
import { readClaims } from "../../src/properties/harness.ts";
import { runProperties } from "../../src/properties/run.ts";
import { brokenImplementation, PROBE_BUILT, REFERENCE_BUILT, REFERENCE_CLAIMS } from "./support/servers.ts";

const dir = mkdtempSync(join(tmpdir(), "asc-regressions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!REFERENCE_BUILT || !PROBE_BUILT)("broken servers are caught", () => {
  it("a server that delivers one byte over the cap fails property 1, shrinks, replays and leaves a fixture", { timeout: 60_000 }, async () => {
    const implementation = brokenImplementation("cap-plus-one");
    const report = await runProperties({ implementation, only: ["output-cap/exec"], runs: 60, regressionsDir: dir, seed: 7, shrinkBudgetMs: 6000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/more than allowed|differs|capReached/);
    expect(r.replay).toContain("--seed 7");
    expect(r.replay).toContain(`--path ${r.path}`);
    // The regression fixture is valid per the fixture format and names the replay.
    const files = readdirSync(dir).filter((f) => f.startsWith("regression.output-cap-exec."));
    expect(files).toHaveLength(1);
    const text = readFileSync(join(dir, files[0]!), "utf8");
    expect(text).toContain("Replay: app-server-conformance properties");
    const parsed = parseFixture(text, files[0]!);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(`${parsed.fixture.id}.jsonc`).toBe(files[0]);
    // Replaying the seed and path hits the failure again at once.
    const again = await runProperties({ implementation, only: ["output-cap/exec"], runs: 60, seed: 7, path: r.path, regressionsDir: null, shrinkBudgetMs: 1 });
    expect(again.results[0]!.status).toBe("fail");
    expect(again.results[0]!.runs).toBeLessThanOrEqual(2);
  });

  it("a server that loses its configured deny-read entries fails property 5", { timeout: 30_000 }, async () => {
    const implementation = brokenImplementation("drop-config");
    const claims = readClaims(implementation, REFERENCE_CLAIMS);
    const report = await runProperties({ implementation, claims, only: ["deny-read"], runs: 20, regressionsDir: null, seed: 13, shrinkBudgetMs: 3000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/was readable/);
  });

  it("a server that sends process/exited twice fails property 6", { timeout: 30_000 }, async () => {
    const report = await runProperties({ implementation: brokenImplementation("double-exit"), only: ["lifecycle/process"], runs: 30, regressionsDir: dir, seed: 17, shrinkBudgetMs: 5000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/after its final one/);
    // Model-based paths carry fc.commands' replay path after "@"; replay hits the failure at once.
    expect(r.path).toMatch(/@/);
    const again = await runProperties({ implementation: brokenImplementation("double-exit"), only: ["lifecycle/process"], runs: 30, seed: 17, path: r.path, regressionsDir: null, shrinkBudgetMs: 1 });
    expect(again.results[0]!.status).toBe("fail");
    expect(again.results[0]!.runs).toBeLessThanOrEqual(2);
    // The state-machine counterexample becomes a valid fixture too.
    const file = readdirSync(dir).find((f) => f.startsWith("regression.lifecycle-process."));
    expect(file).toBeDefined();
    expect(parseFixture(readFileSync(join(dir, file!), "utf8"), file!).ok).toBe(true);
  });

  it("a server that ignores the sandbox policy fails property 4", { timeout: 30_000 }, async () => {
    const report = await runProperties({ implementation: brokenImplementation("policy-to-danger"), only: ["sandbox-roundtrip"], runs: 30, regressionsDir: null, seed: 19, shrinkBudgetMs: 3000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/model says denied/);
  });

  it("a server that ignores env unsets fails property 3", { timeout: 30_000 }, async () => {
    const report = await runProperties({ implementation: brokenImplementation("ignore-unset"), only: ["env/exec"], runs: 40, regressionsDir: null, seed: 11, shrinkBudgetMs: 8000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/expected unset/);
  });

  it("a server that loses stdin bytes fails property 2", { timeout: 30_000 }, async () => {
    const report = await runProperties({ implementation: brokenImplementation("stdin-drop-byte"), only: ["stdin/exec"], runs: 40, regressionsDir: null, seed: 3, shrinkBudgetMs: 8000 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/echo/);
  });

  it("a server that leaves requests unanswered fails property 7", { timeout: 45_000 }, async () => {
    // A short timeout multiplier: the missing replies are waited for 3 s instead of 10 s.
    const implementation = { ...brokenImplementation("swallow-errors"), timeoutMultiplier: 0.3 };
    const report = await runProperties({ implementation, only: ["bad-input/junk"], runs: 40, regressionsDir: null, seed: 5, shrinkBudgetMs: 1 });
    const r = report.results[0]!;
    expect(r.status, r.message).toBe("fail");
    expect(r.message).toMatch(/no reply/);
  });
});
