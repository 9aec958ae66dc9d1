// Runs a selection of fixtures against one implementation: selection (filters, tags,
// claimed features), parallel jobs, repeats (flakiness), and judging against the baseline.
import { availableParallelism } from "node:os";
import picomatch from "picomatch";
import { judge, type BaselineEntry, type Verdict } from "../baseline/baseline.ts";
import { requiredFeatures } from "../fixture/features.ts";
import type { Fixture } from "../fixture/format.ts";
import type { LoadedFixture } from "../fixture/load.ts";
import { IdleGate } from "./idle-gate.ts";
import { longestFirst } from "./start-order.ts";
import type { Implementation } from "../descriptor/implementation.ts";
import type { PropertiesReport } from "../properties/report.ts";
import { KIT_NAME, KIT_VERSION } from "./kit-info.ts";
import { runFixture, type FixtureResult } from "./run-fixture.ts";

/** Bumped when a consumer of the JSON report (merge-reports, HTML) would read it differently. */
export const REPORT_SCHEMA_VERSION = 1;

export type Outcome = "pass" | "fail" | "warn" | "xfail" | "stale" | "flaky" | "skip" | "error";

export const FATAL: ReadonlySet<Outcome> = new Set(["fail", "stale", "flaky", "error"]);

export interface FixtureReport {
  id: string;
  file: string;
  title: string;
  obligation: Fixture["obligation"];
  tags: string[];
  spec: string[];
  /** The optional features the fixture needs (tags plus what its steps use). */
  features: string[];
  outcome: Outcome;
  /** Why: the first failure, the skip reason, the baseline reason. */
  detail: string;
  verdict: Verdict | undefined;
  runs: FixtureResult[];
  durationMs: number;
}

export interface SuiteReport {
  /** The version of this report's shape (REPORT_SCHEMA_VERSION). */
  schemaVersion: number;
  /** The implementation's name. */
  implementation: string;
  /** What the implementation claims: its descriptor file, features and baseline. */
  descriptor: { name: string; file?: string; features: string[]; baselineFile?: string; baseline: BaselineEntry[] };
  /** From the first initialize result: lets reports be compared across server versions. */
  server: { userAgent?: string; platformFamily?: string; platformOs?: string } | undefined;
  kit: { name: string; version: string };
  startedAt: string;
  durationMs: number;
  /** maxJobs and peakJobs (the most fixtures that ran at once) only when the idle gate could add jobs. */
  options: { jobs: number; maxJobs?: number; peakJobs?: number; repeat: number; timeoutMultiplier: number; filter: string[]; tags: string[]; strict: boolean };
  fixtures: FixtureReport[];
  /** Baseline entries naming fixtures that are not in the corpus (stale, like a stale fixture). */
  unknownBaselineEntries: BaselineEntry[];
  /** Fixture outcomes; `stale` counts stale fixtures only (see staleBaselineEntries). */
  counts: Record<Outcome, number>;
  /** Fixtures run (the rest of `fixtures` are not applicable). */
  ran: number;
  /** The property-based tests that followed the fixtures, when they ran. */
  properties?: PropertiesReport;
  /** `run --shard`: this report is one part of a split run (merge-reports joins the parts). */
  shard?: { index: number; count: number };
  /** `run --bail`: scheduling stopped after this many failures; these fixtures did not run. */
  stoppedEarly?: { maxFailures: number; notRun: string[] };
  /** Every fixture passed or failed as expected, no stale baseline entry (and the properties passed). */
  ok: boolean;
}

/** Stale baseline entries, counted one way everywhere: stale fixtures plus entries for unknown fixtures. */
export function staleBaselineEntries(r: Pick<SuiteReport, "counts" | "unknownBaselineEntries">): number {
  return r.counts.stale + r.unknownBaselineEntries.length;
}

export interface Selection {
  selected: LoadedFixture[];
  skipped: { loaded: LoadedFixture; reason: string }[];
  partial: boolean;
}

export function selectFixtures(
  all: LoadedFixture[],
  opts: { filter: string[]; tags: string[]; features: readonly string[] },
): Selection {
  const globs = opts.filter.map((g) => picomatch(g));
  const selected: LoadedFixture[] = [];
  const skipped: Selection["skipped"] = [];
  for (const lf of all) {
    const f = lf.fixture;
    if (globs.length && !globs.some((g) => g(f.id))) continue;
    if (opts.tags.length && !opts.tags.some((t) => f.tags.includes(t))) continue;
    const missing = requiredFeatures(f).filter((t) => !opts.features.includes(t));
    if (missing.length) {
      skipped.push({ loaded: lf, reason: `not applicable: the implementation does not claim ${missing.join(", ")}` });
      continue;
    }
    selected.push(lf);
  }
  return { selected, skipped, partial: opts.filter.length > 0 || opts.tags.length > 0 };
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

export interface SuiteEvents {
  /** `total` fixtures will run; `notApplicable` more are reported as not applicable. */
  onStart?(total: number, notApplicable: number): void;
  onFixtureDone?(report: FixtureReport, done: number, total: number): void;
}

export interface SuiteOptions {
  /** Fixtures run at once whatever the load. */
  jobs: number;
  /** Up to this many at once while the CPU is mostly idle (idle-gate.ts); default `jobs`. */
  maxJobs?: number;
  repeat: number;
  timeoutMultiplier: number;
  strict: boolean;
  filter: string[];
  tags: string[];
  probe: string[];
  keepWorkspace?: boolean;
  /** Stop scheduling fixtures once this many have failed the run (fixtures in flight finish). */
  maxFailures?: number;
  /** Each fixture's length in a previous run (ms), to start the longest first (start-order.ts). */
  durations?: ReadonlyMap<string, number>;
}

function outcomeOf(obligation: Fixture["obligation"], runs: FixtureResult[], baseline: readonly BaselineEntry[], strict: boolean): Pick<FixtureReport, "outcome" | "detail" | "verdict"> {
  const statuses = new Set(runs.map((r) => r.status === "pass"));
  const worst = runs.find((r) => r.status !== "pass") ?? runs[0]!;
  if (statuses.size > 1) {
    const fails = runs.filter((r) => r.status !== "pass").length;
    return { outcome: "flaky", detail: `failed ${fails} of ${runs.length} runs: ${firstFailure(worst)}`, verdict: undefined };
  }
  if (worst.status === "error") return { outcome: "error", detail: firstFailure(worst), verdict: undefined };
  const verdict = judge(worst, baseline);
  switch (verdict.kind) {
    case "pass":
      return { outcome: "pass", detail: "", verdict };
    case "xfail":
      return { outcome: "xfail", detail: `expected failure: ${verdict.entry.reason}`, verdict };
    case "stale":
      return { outcome: "stale", detail: `listed in the baseline (${verdict.entry.reason}) but passes now: remove the entry`, verdict };
    case "mismatch":
      return { outcome: "fail", detail: `fails differently than the baseline says: ${verdict.detail}`, verdict };
    case "fail": {
      const soft = obligation !== "required" && !strict;
      return { outcome: soft ? "warn" : "fail", detail: firstFailure(worst), verdict };
    }
  }
}

function firstFailure(r: FixtureResult): string {
  const f = r.failures[0];
  return f ? `[${f.step}] ${f.message}` : "";
}

function countOutcomes(fixtures: readonly FixtureReport[]): Record<Outcome, number> {
  const counts = { pass: 0, fail: 0, warn: 0, xfail: 0, stale: 0, flaky: 0, skip: 0, error: 0 } as Record<Outcome, number>;
  for (const f of fixtures) counts[f.outcome]++;
  return counts;
}

/** The report judged against another baseline (after --update-baseline rewrote it). */
export function rejudge(r: SuiteReport, baseline: BaselineEntry[], partial: boolean): SuiteReport {
  const fixtures = r.fixtures.map((f) => (f.runs.length ? { ...f, ...outcomeOf(f.obligation, f.runs, baseline, r.options.strict) } : f));
  const known = new Set(fixtures.map((f) => f.id));
  const unknownBaselineEntries = partial ? [] : baseline.filter((e) => !known.has(e.fixture));
  const ok = fixtures.every((f) => !FATAL.has(f.outcome)) && unknownBaselineEntries.length === 0;
  return { ...r, descriptor: { ...r.descriptor, baseline }, fixtures, unknownBaselineEntries, counts: countOutcomes(fixtures), ok };
}

export async function runSuite(
  impl: Implementation,
  selection: Selection,
  opts: SuiteOptions,
  events: SuiteEvents = {},
): Promise<SuiteReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const mult = opts.timeoutMultiplier * impl.timeoutMultiplier;
  const queue = longestFirst(selection.selected, opts.durations);
  const total = queue.length;
  const reports = new Map<string, FixtureReport>();
  let done = 0;
  let failed = 0;
  const stop = () => opts.maxFailures !== undefined && failed >= opts.maxFailures;
  events.onStart?.(total, selection.skipped.length);
  const maxJobs = Math.max(opts.jobs, opts.maxJobs ?? opts.jobs);
  const gate = new IdleGate({ floor: opts.jobs, ceiling: maxJobs });
  const worker = async () => {
    for (;;) {
      await gate.enter();
      const lf = stop() ? undefined : queue.shift();
      if (!lf) {
        gate.done();
        return;
      }
      const runs: FixtureResult[] = [];
      for (let i = 0; i < Math.max(1, opts.repeat); i++) {
        runs.push(
          await runFixture(lf.fixture, {
            server: {
              argv: impl.argv,
              env: impl.env,
              ...(impl.launch !== undefined ? { launch: impl.launch } : {}),
              ...(impl.connect !== undefined ? { connect: impl.connect } : {}),
            },
            probe: opts.probe,
            timeoutMultiplier: mult,
            keepWorkspace: opts.keepWorkspace,
          }),
        );
      }
      const f = lf.fixture;
      const report: FixtureReport = {
        id: f.id,
        file: lf.file,
        title: f.title,
        obligation: f.obligation,
        tags: f.tags,
        spec: typeof f.spec === "string" ? [f.spec] : f.spec,
        features: requiredFeatures(f),
        ...outcomeOf(f.obligation, runs, impl.baseline, opts.strict),
        runs,
        durationMs: runs.reduce((a, r) => a + r.durationMs, 0),
      };
      reports.set(f.id, report);
      if (FATAL.has(report.outcome)) failed++;
      done++;
      gate.done();
      events.onFixtureDone?.(report, done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(maxJobs, total || 1)) }, worker));
  gate.close();
  for (const { loaded, reason } of selection.skipped) {
    const f = loaded.fixture;
    reports.set(f.id, {
      id: f.id,
      file: loaded.file,
      title: f.title,
      obligation: f.obligation,
      tags: f.tags,
      spec: typeof f.spec === "string" ? [f.spec] : f.spec,
      features: requiredFeatures(f),
      outcome: "skip",
      detail: reason,
      verdict: undefined,
      runs: [],
      durationMs: 0,
    });
  }
  const notRun = queue.map((lf) => lf.fixture.id).sort();
  const order = [...selection.selected, ...selection.skipped.map((s) => s.loaded)].map((l) => l.fixture.id).filter((id) => reports.has(id)).sort();
  const fixtures = order.map((id) => reports.get(id)!);
  const known = new Set(fixtures.map((f) => f.id));
  const unknownBaselineEntries = selection.partial ? [] : impl.baseline.filter((e) => !known.has(e.fixture));
  const counts = countOutcomes(fixtures);
  const ok = fixtures.every((f) => !FATAL.has(f.outcome)) && unknownBaselineEntries.length === 0;
  const server = fixtures.flatMap((f) => f.runs).find((r) => r.serverInfo?.userAgent)?.serverInfo;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    implementation: impl.name,
    descriptor: {
      name: impl.name,
      ...(impl.file !== undefined ? { file: impl.file } : {}),
      features: impl.features,
      ...(impl.baselineFile !== undefined ? { baselineFile: impl.baselineFile } : {}),
      baseline: impl.baseline,
    },
    server,
    kit: { name: KIT_NAME, version: KIT_VERSION },
    startedAt,
    durationMs: Date.now() - started,
    options: {
      jobs: opts.jobs,
      ...(maxJobs > opts.jobs ? { maxJobs, peakJobs: gate.peak } : {}),
      repeat: opts.repeat,
      timeoutMultiplier: mult,
      filter: opts.filter,
      tags: opts.tags,
      strict: opts.strict,
    },
    fixtures,
    unknownBaselineEntries,
    counts,
    ran: total - notRun.length,
    ...(notRun.length ? { stoppedEarly: { maxFailures: opts.maxFailures!, notRun } } : {}),
    ok,
  };
}
