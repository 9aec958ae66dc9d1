// JSON report: the whole suite report (one model, read by other tools: see
// docs/conformance.md#the-json-report); transcripts only for fixtures that did not pass.
import type { SuiteReport } from "../runner/suite.ts";

export function renderJson(r: SuiteReport): string {
  const fixtures = r.fixtures.map((f) => ({
    ...f,
    runs: f.runs.map((run) => ({
      status: run.status,
      durationMs: run.durationMs,
      stepsRun: run.stepsRun,
      failures: run.failures,
      ...(run.timings ? { timings: run.timings } : {}),
      ...(f.outcome === "pass" || f.outcome === "skip" ? {} : { transcript: run.transcript }),
    })),
  }));
  return `${JSON.stringify({ ...r, fixtures }, null, 2)}\n`;
}
