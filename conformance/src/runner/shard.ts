// `run --shard <i>/<n>`: one CI machine's part of the selection. The split is a pure
// function of the fixture ids and the recorded durations, so n machines that see the same
// corpus (and the same durations file) agree on it without talking to each other, and
// every fixture lands in exactly one shard. Balanced by recorded duration when a previous
// JSON run report is given (longest first onto the least-loaded shard), else by count.
import { InvalidArgumentError } from "commander";
import type { BaselineEntry } from "../baseline/baseline.ts";
import { FATAL, type Selection, type SuiteReport } from "./suite.ts";
import type { RunReport } from "../report/run-report.ts";

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError("expected <i>/<n> with 1 <= i <= n, e.g. 2/4");
  return { index, count };
}

/** Milliseconds per fixture run, from a previous run report (fixtures that ran only). */
export function durationsFrom(report: RunReport): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of report.fixtures) if (f.runs.length) out.set(f.id, f.durationMs / f.runs.length);
  return out;
}

/**
 * Splits ids into `count` parts: heaviest first (ties by id) onto the least-loaded part
 * (ties to the lowest index). With no durations every fixture weighs the same, which
 * makes it a round robin over the sorted ids. A fixture the durations do not know
 * weighs the median of those they do. Returns the part of each id (0-based).
 */
export function partition(ids: readonly string[], count: number, durations?: ReadonlyMap<string, number>): Map<string, number> {
  const known = [...(durations?.values() ?? [])].sort((a, b) => a - b);
  const fallback = known.length ? known[Math.floor(known.length / 2)]! : 1;
  const weight = (id: string) => durations?.get(id) ?? fallback;
  const order = [...new Set(ids)].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0));
  const load = new Array<number>(count).fill(0);
  const part = new Map<string, number>();
  for (const id of order) {
    let best = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[best]!) best = i;
    part.set(id, best);
    load[best]! += weight(id);
  }
  return part;
}

/**
 * The shard's share of a selection. Fixtures that will run are balanced; those that are
 * not applicable (they take no time) go to the shards with the fewest fixtures, so each
 * appears in one shard's report. `partial` is kept: a shard of the whole corpus still
 * judges the whole baseline (see judgeAgainstWholeSelection).
 */
export function shardSelection(sel: Selection, shard: Shard, durations?: ReadonlyMap<string, number>): Selection {
  const mine = shard.index - 1;
  const part = partition(sel.selected.map((l) => l.fixture.id), shard.count, durations);
  const size = new Array<number>(shard.count).fill(0);
  for (const p of part.values()) size[p]!++;
  for (const id of sel.skipped.map((s) => s.loaded.fixture.id).sort()) {
    const p = size.indexOf(Math.min(...size));
    part.set(id, p);
    size[p]!++;
  }
  return {
    ...sel,
    selected: sel.selected.filter((l) => part.get(l.fixture.id) === mine),
    skipped: sel.skipped.filter((s) => part.get(s.loaded.fixture.id) === mine),
  };
}

/**
 * A shard knows only its own fixtures, but a baseline entry is stale only when its fixture
 * is in none of them: judge unknown entries against the whole (unsharded) selection, as a
 * single run would. Every shard then reports the same entries; merge-reports keeps one each.
 */
export function judgeAgainstWholeSelection(report: SuiteReport, baseline: readonly BaselineEntry[], whole: Selection): SuiteReport {
  const known = new Set([...whole.selected, ...whole.skipped.map((s) => s.loaded)].map((l) => l.fixture.id));
  const unknownBaselineEntries = whole.partial ? [] : baseline.filter((e) => !known.has(e.fixture));
  const ok = report.fixtures.every((f) => !FATAL.has(f.outcome)) && unknownBaselineEntries.length === 0;
  return { ...report, unknownBaselineEntries, ok };
}
