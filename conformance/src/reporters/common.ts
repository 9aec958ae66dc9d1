// Shared helpers for reporters.
import type { TranscriptEntry } from "../transports/server-process.ts";
import type { PropertyResult } from "../properties/report.ts";
import { staleBaselineEntries, type FixtureReport, type Outcome, type SuiteReport } from "../runner/suite.ts";

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

/** One line that agrees with every other count: fixtures run vs not applicable, stale entries. */
export function summaryLine(r: SuiteReport): string {
  const c = r.counts;
  const stale = staleBaselineEntries(r);
  const parts = [
    `${c.pass} passed`,
    `${c.fail} failed`,
    c.warn ? `${c.warn} warnings` : "",
    c.xfail ? `${c.xfail} expected failures` : "",
    stale ? `${stale} stale baseline entries` : "",
    c.flaky ? `${c.flaky} flaky` : "",
    c.error ? `${c.error} errors` : "",
  ].filter(Boolean);
  const notApplicable = c.skip ? `, ${c.skip} not applicable` : "";
  return `${parts.join(", ")} (${r.ran} fixtures run${notApplicable}, ${(r.durationMs / 1000).toFixed(1)} s)${stoppedEarlyNote(r)}`;
}

/** After `run --bail`: say the run stopped and how much of it did not run. */
export function stoppedEarlyNote(r: Pick<SuiteReport, "stoppedEarly">): string {
  const s = r.stoppedEarly;
  if (!s) return "";
  return `; stopped early after ${s.maxFailures} failure${s.maxFailures === 1 ? "" : "s"} (--bail): ${s.notRun.length} fixture${s.notRun.length === 1 ? "" : "s"} did not run`;
}

/**
 * The plain closing line CI tools read (`conformance: N passed, N failed`): everything
 * that makes the run fail counts as failed (fail, error, flaky, stale baseline entries);
 * expected failures and warnings are neither.
 */
export function plainClosingLine(r: SuiteReport): string {
  const c = r.counts;
  return `conformance: ${c.pass} passed, ${c.fail + c.error + c.flaky + staleBaselineEntries(r)} failed`;
}

/** A test case of any kind, as JUnit, TAP and Markdown list them. */
export interface ReportCase {
  suite: "fixtures" | "properties";
  /** JUnit classname: the fixture area, "baseline" or "properties". */
  group: string;
  id: string;
  title: string;
  outcome: Outcome;
  detail: string;
  durationMs: number;
  file?: string;
  obligation?: string;
  fixture?: FixtureReport;
}

function propertyOutcome(p: PropertyResult): Outcome {
  return p.status === "skip" ? "skip" : p.status;
}

export function propertyDetail(p: PropertyResult): string {
  if (p.status === "pass") return `${p.runs}${p.interrupted ? `/${p.plannedRuns} (time budget)` : ""} runs`;
  if (p.status === "skip") return p.skipReason ?? "";
  return [p.message ?? "", p.counterexample ? `counterexample: ${p.counterexample}` : "", p.replay ? `replay: ${p.replay}` : "", p.stderrTail ? `server stderr (last lines):\n${p.stderrTail}` : ""]
    .filter(Boolean)
    .join("\n");
}

/** Fixtures, stale entries for unknown fixtures, then properties: every case of the run. */
export function reportCases(r: SuiteReport): ReportCase[] {
  const out: ReportCase[] = r.fixtures.map((f) => ({
    suite: "fixtures",
    group: f.file.split(/[\\/]/).slice(-2, -1)[0] ?? "fixtures",
    id: f.id,
    title: f.title,
    outcome: f.outcome,
    detail: f.detail,
    durationMs: f.durationMs,
    file: f.file,
    obligation: f.obligation,
    fixture: f,
  }));
  for (const e of r.unknownBaselineEntries) {
    out.push({
      suite: "fixtures",
      group: "baseline",
      id: `baseline:${e.fixture}`,
      title: `baseline entry for ${e.fixture}`,
      outcome: "stale",
      detail: `the baseline lists ${e.fixture} (${e.reason}), which is not in the corpus: remove the entry`,
      durationMs: 0,
      ...(r.descriptor.baselineFile ? { file: r.descriptor.baselineFile } : {}),
    });
  }
  for (const p of r.properties?.results ?? []) {
    out.push({ suite: "properties", group: "properties", id: `property:${p.id}`, title: p.title, outcome: propertyOutcome(p), detail: propertyDetail(p), durationMs: p.durationMs });
  }
  return out;
}
