// `merge-reports`: the JSON run reports of a split run (`run --shard i/n` on n machines)
// joined into the one report a single run would have written, so every reporter and the
// exit status work on it unchanged. Reports are read with the one run-report reader and
// turned back into the suite report the reporters take.
import type { BaselineEntry, Verdict } from "../baseline/baseline.ts";
import type { PropertiesReport } from "../properties/report.ts";
import type { FixtureResult } from "../runner/run-fixture.ts";
import type { TranscriptEntry } from "../transports/server-process.ts";
import { FATAL, REPORT_SCHEMA_VERSION, type FixtureReport, type Outcome, type SuiteReport } from "../runner/suite.ts";
import { countOutcomes, RunReportError, type RunFixtureEntry, type RunReport } from "./run-report.ts";

export interface SourcedReport {
  /** Where it came from (a file name), for error messages. */
  source: string;
  report: RunReport;
}

function fixtureOf(f: RunFixtureEntry): FixtureReport {
  return {
    id: f.id,
    file: f.file,
    title: f.title,
    obligation: f.obligation as FixtureReport["obligation"],
    tags: f.tags,
    spec: f.spec,
    features: f.features,
    outcome: f.outcome,
    detail: f.detail,
    verdict: (f.verdict ?? undefined) as Verdict | undefined,
    runs: f.runs.map(
      (r): FixtureResult => ({
        id: f.id,
        status: r.status as FixtureResult["status"],
        failures: r.failures,
        durationMs: r.durationMs,
        stepsRun: r.stepsRun,
        transcript: (r.transcript ?? []) as TranscriptEntry[],
      }),
    ),
    durationMs: f.durationMs,
  };
}

/** One value all reports agree on, or a clear error naming the first that differs. */
function agreed<T>(reports: readonly SourcedReport[], what: string, get: (r: RunReport) => T): T {
  const first = get(reports[0]!.report);
  const key = JSON.stringify(first);
  const other = reports.find((r) => JSON.stringify(get(r.report)) !== key);
  if (other) {
    throw new RunReportError(
      `cannot merge reports with different ${what}: ${reports[0]!.source} has ${key ?? "none"}, ${other.source} has ${JSON.stringify(get(other.report)) ?? "none"}`,
    );
  }
  return first;
}

/** The shards of a split run must all be there, once each. */
function checkShards(reports: readonly SourcedReport[]): void {
  const sharded = reports.filter((r) => r.report.shard);
  if (!sharded.length) return;
  if (sharded.length !== reports.length) {
    const plain = reports.find((r) => !r.report.shard)!;
    throw new RunReportError(`cannot merge a shard with a whole run: ${plain.source} is not from \`run --shard\``);
  }
  const count = agreed(reports, "shard counts (--shard i/N)", (r) => r.shard!.count);
  const seen = new Map<number, string>();
  for (const r of reports) {
    const i = r.report.shard!.index;
    const twice = seen.get(i);
    if (twice) throw new RunReportError(`shard ${i}/${count} given twice: ${twice} and ${r.source}`);
    seen.set(i, r.source);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new RunReportError(`incomplete split run: shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} missing (a merged report would undercount)`);
}

export function mergeRunReports(reports: readonly SourcedReport[]): SuiteReport {
  if (!reports.length) throw new RunReportError("no reports to merge");
  const schemaVersion = agreed(reports, "schemaVersion", (r) => r.schemaVersion);
  if (schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw new RunReportError(`${reports[0]!.source}: report schemaVersion ${JSON.stringify(schemaVersion) ?? "none"}, this kit reads ${REPORT_SCHEMA_VERSION}; merge with the kit that wrote it`);
  }
  const implementation = agreed(reports, "implementations", (r) => r.implementation);
  // Outcomes were judged in each part: the parts must have judged alike.
  agreed(reports, "baselines", (r) => r.descriptor?.baseline ?? null);
  agreed(reports, "--strict", (r) => r.options?.strict ?? false);
  agreed(reports, "--repeat", (r) => r.options?.repeat ?? 1);
  checkShards(reports);

  const owner = new Map<string, string>();
  const fixtures: FixtureReport[] = [];
  for (const { source, report } of reports) {
    for (const f of report.fixtures) {
      const before = owner.get(f.id);
      if (before) throw new RunReportError(`fixture ${f.id} is in both ${before} and ${source}: the reports overlap`);
      owner.set(f.id, source);
      fixtures.push(fixtureOf(f));
    }
  }
  fixtures.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const unknown = new Map<string, BaselineEntry>();
  for (const { report } of reports) for (const e of report.unknownBaselineEntries) unknown.set(e.fixture, e as BaselineEntry);
  const properties = reports.map((r) => (r.report as { properties?: PropertiesReport }).properties).filter((p) => p !== undefined);
  const notRun = reports.flatMap((r) => r.report.stoppedEarly?.notRun ?? []).sort();
  const bails = reports.map((r) => r.report.stoppedEarly?.maxFailures).filter((n) => n !== undefined);
  const starts = reports.map((r) => Date.parse(r.report.startedAt)).filter((t) => !Number.isNaN(t));
  const ends = reports.map((r) => Date.parse(r.report.startedAt) + r.report.durationMs).filter((t) => !Number.isNaN(t));
  const first = reports[0]!.report;
  const counts = countOutcomes(fixtures) as Record<Outcome, number>;
  const unknownBaselineEntries = [...unknown.values()].sort((a, b) => (a.fixture < b.fixture ? -1 : 1));
  const ok = fixtures.every((f) => !FATAL.has(f.outcome)) && unknownBaselineEntries.length === 0 && properties.every((p) => p.ok);
  const descriptor = first.descriptor ?? {};
  const baseline = descriptor.baseline;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    implementation,
    descriptor: {
      name: descriptor.name ?? implementation,
      ...(descriptor.file !== undefined ? { file: descriptor.file } : {}),
      features: descriptor.features ?? [],
      ...(typeof (descriptor as { baselineFile?: unknown }).baselineFile === "string" ? { baselineFile: (descriptor as { baselineFile: string }).baselineFile } : {}),
      baseline: (Array.isArray(baseline) ? baseline : []) as BaselineEntry[],
    },
    server: reports.map((r) => r.report.server).find((s) => s?.userAgent) ?? undefined,
    kit: { name: first.kit?.name ?? "", version: first.kit?.version ?? "" },
    startedAt: starts.length ? new Date(Math.min(...starts)).toISOString() : first.startedAt,
    // The wall time of the whole split run: first start to last end.
    durationMs: starts.length ? Math.max(...ends) - Math.min(...starts) : reports.reduce((a, r) => a + r.report.durationMs, 0),
    options: { ...(first.options as SuiteReport["options"]) },
    fixtures,
    unknownBaselineEntries,
    counts,
    ran: reports.reduce((a, r) => a + (r.report.ran ?? r.report.fixtures.filter((f) => f.runs.length).length), 0),
    ...(properties.length ? { properties: properties[0]! } : {}),
    ...(bails.length ? { stoppedEarly: { maxFailures: Math.min(...bails), notRun } } : {}),
    ok,
  };
}
