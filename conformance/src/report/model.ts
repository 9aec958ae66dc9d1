// The page model: run reports -> columns (runs), rows (fixtures grouped by area), one
// cell per fixture and run, and, for a series of Codex releases, the trend. Pure data,
// shared by the HTML page and the Markdown release table.
import { baselineOf, type RunFixtureEntry, type RunOutcome, type RunReport } from "./run-report.ts";
import { compareVersions, parseVersion } from "../matrix/versions.ts";

/** What a cell shows; the raw outcome stays available next to it. */
export const CATEGORIES = ["pass", "fail", "warn", "xfail", "na"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABEL: Record<Category, string> = {
  pass: "pass",
  fail: "fail",
  warn: "fail (not required)",
  xfail: "expected failure",
  na: "not applicable",
};

/** `absent`: the fixture is not in that run's report at all. */
export function categoryOf(outcome: RunOutcome | "absent"): Category {
  switch (outcome) {
    case "pass":
    case "stale": // it passes; only the baseline is out of date
      return "pass";
    case "xfail":
      return "xfail";
    case "warn":
      return "warn";
    case "skip":
    case "absent":
      return "na";
    case "fail":
    case "error":
    case "flaky":
      return "fail";
  }
}

export interface ModelRun {
  label: string;
  implementation: string;
  codexVersion: string | undefined;
  source: string;
  startedAt: string;
  durationMs: number;
  server: string;
  kit: string;
  counts: Record<RunOutcome, number>;
  categories: Record<Category, number>;
  ok: boolean | undefined;
  features: string[] | undefined;
  baselineSize: number | undefined;
  baselineReasons: { fixture: string; reason: string }[];
  /** Area -> counts by category, for the per-area bar. */
  areas: Record<string, Record<Category, number>>;
}

export interface ModelFixture {
  id: string;
  area: string;
  title: string;
  obligation: string;
  tags: string[];
  spec: string[];
  file: string;
}

export interface ModelCell {
  outcome: RunOutcome | "absent";
  category: Category;
}

export interface Transition {
  fixture: string;
  release: string;
  /** started: failed before, passes now; stopped: passed before, fails now; arrived: not applicable before, passes now. */
  kind: "started" | "stopped" | "arrived";
}

export interface Trend {
  releases: string[];
  /** Per release (same order): fixtures passing. */
  passing: number[];
  /** Per release: fixtures applicable (not n/a). */
  applicable: number[];
  /** Area -> passing per release. */
  areaPassing: Record<string, number[]>;
  areaApplicable: Record<string, number[]>;
  transitions: Transition[];
  /** Area -> the first release at which any / every applicable fixture of the area passes. */
  areaFirstPass: Record<string, { any: string | undefined; all: string | undefined }>;
}

export interface Model {
  runs: ModelRun[];
  areas: string[];
  fixtures: ModelFixture[];
  /** cells[fixture][run] */
  cells: ModelCell[][];
  trend: Trend | undefined;
}

export function areaOf(f: Pick<RunFixtureEntry, "id" | "kind">): string {
  if (f.kind === "property") return "properties";
  const dot = f.id.indexOf(".");
  return dot > 0 ? f.id.slice(0, dot) : f.id;
}

const emptyCategories = (): Record<Category, number> => ({ pass: 0, fail: 0, warn: 0, xfail: 0, na: 0 });

function runLabel(r: RunReport, index: number, taken: Set<string>): string {
  const base = r.matrix?.label ?? r.descriptor?.name ?? r.implementation ?? `run ${index + 1}`;
  let label = base;
  for (let n = 2; taken.has(label); n++) label = `${base} (${n})`;
  taken.add(label);
  return label;
}

/** The Codex release a run stands for: set by `matrix`, else read from the name or user agent. */
export function codexVersionOf(r: RunReport): string | undefined {
  if (r.matrix?.codexVersion) return r.matrix.codexVersion;
  const m = /^codex-(\d+\.\d+\.\d+)$/.exec(r.descriptor?.name ?? r.implementation);
  if (m) return m[1];
  return undefined;
}

export function buildModel(reports: readonly { report: RunReport; source: string }[]): Model {
  const taken = new Set<string>();
  const byId = new Map<string, ModelFixture>();
  for (const { report } of reports) {
    for (const f of report.fixtures) {
      if (byId.has(f.id)) continue;
      byId.set(f.id, { id: f.id, area: areaOf(f), title: f.title, obligation: f.obligation, tags: f.tags, spec: f.spec, file: f.file });
    }
  }
  const fixtures = [...byId.values()].sort((a, b) => (a.area === b.area ? a.id.localeCompare(b.id) : a.area.localeCompare(b.area)));
  const areas = [...new Set(fixtures.map((f) => f.area))];
  const index = new Map(fixtures.map((f, i) => [f.id, i]));
  const cells: ModelCell[][] = fixtures.map(() => reports.map(() => ({ outcome: "absent" as const, category: "na" as const })));
  const runs: ModelRun[] = reports.map(({ report, source }, col) => {
    const areasCount: Record<string, Record<Category, number>> = Object.fromEntries(areas.map((a) => [a, emptyCategories()]));
    for (const f of report.fixtures) {
      const row = index.get(f.id)!;
      cells[row]![col] = { outcome: f.outcome, category: categoryOf(f.outcome) };
    }
    const categories = emptyCategories();
    for (const [row, f] of fixtures.entries()) {
      const c = cells[row]![col]!.category;
      categories[c]++;
      areasCount[f.area]![c]++;
    }
    const baseline = baselineOf(report);
    const server = report.server?.userAgent ?? "";
    return {
      label: runLabel(report, col, taken),
      implementation: report.implementation,
      codexVersion: codexVersionOf(report),
      source,
      startedAt: report.startedAt,
      durationMs: report.durationMs,
      server,
      kit: [report.kit?.name, report.kit?.version].filter(Boolean).join(" "),
      counts: report.counts,
      categories,
      ok: report.ok,
      features: report.descriptor?.features,
      baselineSize: baseline.size,
      baselineReasons: baseline.reasons,
      areas: areasCount,
    };
  });
  return { runs, areas, fixtures, cells, trend: buildTrend(runs, fixtures, cells) };
}

/** A trend needs at least two runs that stand for distinct Codex releases. */
export function buildTrend(runs: readonly ModelRun[], fixtures: readonly ModelFixture[], cells: readonly ModelCell[][]): Trend | undefined {
  const cols = runs
    .map((r, i) => ({ version: r.codexVersion, i }))
    .filter((c): c is { version: string; i: number } => c.version !== undefined && parseVersion(c.version) !== undefined);
  const seen = new Set<string>();
  const series = cols.filter((c) => (seen.has(c.version) ? false : (seen.add(c.version), true))).sort((a, b) => compareVersions(a.version, b.version));
  if (series.length < 2) return undefined;
  const releases = series.map((s) => s.version);
  const passing = series.map(() => 0);
  const applicable = series.map(() => 0);
  const areaPassing: Record<string, number[]> = {};
  const areaApplicable: Record<string, number[]> = {};
  const transitions: Transition[] = [];
  for (const [row, f] of fixtures.entries()) {
    areaPassing[f.area] ??= series.map(() => 0);
    areaApplicable[f.area] ??= series.map(() => 0);
    let prev: Category | undefined;
    for (const [k, s] of series.entries()) {
      const cat = cells[row]![s.i]!.category;
      if (cat === "pass") {
        passing[k]!++;
        areaPassing[f.area]![k]!++;
      }
      if (cat !== "na") {
        applicable[k]!++;
        areaApplicable[f.area]![k]!++;
      }
      if (prev !== undefined && prev !== "pass" && cat === "pass") transitions.push({ fixture: f.id, release: s.version, kind: prev === "na" ? "arrived" : "started" });
      if (prev === "pass" && cat !== "pass" && cat !== "na") transitions.push({ fixture: f.id, release: s.version, kind: "stopped" });
      prev = cat;
    }
  }
  const areaFirstPass: Trend["areaFirstPass"] = {};
  for (const area of Object.keys(areaPassing)) {
    const p = areaPassing[area]!;
    const a = areaApplicable[area]!;
    const anyAt = p.findIndex((n) => n > 0);
    const allAt = p.findIndex((n, k) => a[k]! > 0 && n === a[k]);
    areaFirstPass[area] = { any: anyAt >= 0 ? releases[anyAt] : undefined, all: allAt >= 0 ? releases[allAt] : undefined };
  }
  return { releases, passing, applicable, areaPassing, areaApplicable, transitions, areaFirstPass };
}
