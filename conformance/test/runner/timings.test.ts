// Per-phase timings of a fixture run (`run --timings`, `runs[].timings` in the JSON report).
import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/reporters/json.ts";
import type { SuiteReport } from "../../src/runner/suite.ts";
import { formatTimings } from "../../src/reporters/timings.ts";
import { PHASES } from "../../src/runner/timings.ts";
import { fixture, runFake } from "../support/helpers.ts";

describe("fixture timings", () => {
  it("split a run's wall time into phases that add up to no more than the run", async () => {
    const r = await runFake(fixture([{ step: "sleep", ms: 150 }, { step: "expectSilence", ms: 100 }, { step: "expectNoLeftovers" }]), {});
    expect(r.status).toBe("pass");
    const t = r.timings!;
    expect(Object.keys(t).sort()).toEqual(PHASES.map((p) => `${p}Ms`).sort());
    expect(t.quietMs).toBeGreaterThanOrEqual(249);
    expect(t.stepsMs).toBeGreaterThanOrEqual(t.quietMs + t.leftoverScanMs - 1);
    expect(t.handshakeMs).toBeGreaterThan(0);
    expect(t.spawnMs).toBeGreaterThan(0);
    const disjoint = t.setupMs + t.spawnMs + t.handshakeMs + t.stepsMs + t.teardownMs + t.cleanupMs;
    // Rounding to 0.1 ms per phase, and durationMs is whole milliseconds.
    expect(disjoint).toBeLessThanOrEqual(r.durationMs + 2);
    expect(disjoint).toBeGreaterThan(r.durationMs * 0.9);
  });

  it("are printed per phase and kept in the JSON report", async () => {
    const run = await runFake(fixture([{ step: "sleep", ms: 20 }]), {});
    const report = {
      durationMs: run.durationMs,
      options: { jobs: 1 },
      fixtures: [{ id: "test.fixture", outcome: "pass", runs: [run] }],
    } as unknown as SuiteReport;
    const text = formatTimings(report);
    for (const p of PHASES) expect(text).toMatch(new RegExp(`^${p} `, "m"));
    expect(text).toMatch(/^slowest:\n +\d+ ms {2}test\.fixture {2}\(steps /m);
    const json = JSON.parse(renderJson(report)) as { fixtures: { runs: { timings?: unknown }[] }[] };
    expect(json.fixtures[0]!.runs[0]!.timings).toEqual(run.timings);
  });
});
