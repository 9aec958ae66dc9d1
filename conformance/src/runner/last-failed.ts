// `run --last-failed <report.json>`: rerun what made a previous run fail: fixtures that
// failed, errored, were flaky or stale, and those a --bail run stopped before running.
// Warnings and expected failures are not rerun (they did not fail the run).
import type { RunReport } from "../report/run-report.ts";
import type { Selection } from "./suite.ts";

const RERUN = new Set(["fail", "error", "flaky", "stale"]);

/** The fixture ids to rerun, sorted. */
export function lastFailedIds(report: RunReport): string[] {
  const ids = report.fixtures.filter((f) => RERUN.has(f.outcome)).map((f) => f.id);
  return [...new Set([...ids, ...(report.stoppedEarly?.notRun ?? [])])].sort();
}

/**
 * The selection narrowed to those ids. What is gone from the corpus (renamed, deleted) is
 * returned so the caller can say so; it does not make the rerun fail.
 */
export function selectLastFailed(sel: Selection, ids: readonly string[]): { selection: Selection; gone: string[] } {
  const wanted = new Set(ids);
  const present = new Set([...sel.selected, ...sel.skipped.map((s) => s.loaded)].map((l) => l.fixture.id));
  return {
    selection: {
      ...sel,
      selected: sel.selected.filter((l) => wanted.has(l.fixture.id)),
      skipped: sel.skipped.filter((s) => wanted.has(s.loaded.fixture.id)),
      partial: true,
    },
    gone: ids.filter((id) => !present.has(id)),
  };
}
