// Shared helpers for reporters.
import type { TranscriptEntry } from "../server-process.ts";
import type { FixtureReport, SuiteReport } from "../suite.ts";

export function transcriptText(entries: readonly TranscriptEntry[], limit = 60): string {
  const lines = entries.map((e) => {
    const t = String(e.t).padStart(6);
    switch (e.dir) {
      case "out":
        return `${t} → ${e.line}`;
      case "in":
        return `${t} ← ${e.line}`;
      case "stderr":
        return `${t} stderr ${e.text.trimEnd()}`;
      case "note":
        return `${t} # ${e.text}`;
    }
  });
  const clipped = lines.map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  return clipped.length > limit ? [`… (${clipped.length - limit} earlier lines)`, ...clipped.slice(-limit)].join("\n") : clipped.join("\n");
}

export function failedRun(f: FixtureReport) {
  return f.runs.find((r) => r.status !== "pass") ?? f.runs[0];
}

export function summaryLine(r: SuiteReport): string {
  const c = r.counts;
  const parts = [
    `${c.pass} passed`,
    `${c.fail} failed`,
    c.warn ? `${c.warn} warnings` : "",
    c.xfail ? `${c.xfail} expected failures` : "",
    c.stale ? `${c.stale} stale baseline entries` : "",
    c.flaky ? `${c.flaky} flaky` : "",
    c.error ? `${c.error} errors` : "",
    c.skip ? `${c.skip} not applicable` : "",
  ].filter(Boolean);
  return `${parts.join(", ")} (${r.fixtures.length} fixtures, ${(r.durationMs / 1000).toFixed(1)} s)`;
}

/**
 * The plain closing line CI tools read (`conformance: N passed, N failed`): everything
 * that makes the run fail counts as failed (fail, error, flaky, stale baseline entries);
 * expected failures and warnings are neither.
 */
export function plainClosingLine(r: SuiteReport): string {
  const c = r.counts;
  return `conformance: ${c.pass} passed, ${c.fail + c.error + c.flaky + c.stale} failed`;
}
