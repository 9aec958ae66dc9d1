// "What am I missing?": outcomes by area (the fixture id's first word) and by the optional
// feature fixtures need, for the end of a run (pretty and Markdown reporters).
import type { FixtureReport, SuiteReport } from "../runner/suite.ts";

export interface CoverageRow {
  /** "area" or "feature". */
  kind: "area" | "feature";
  name: string;
  passed: number;
  /** Failed, errors, flaky and stale. */
  failed: number;
  /** Recommended/optional fixtures that failed (warnings). */
  warnings: number;
  expectedFailing: number;
  notApplicable: number;
}

function bump(row: CoverageRow, f: FixtureReport): void {
  switch (f.outcome) {
    case "pass":
      row.passed++;
      break;
    case "xfail":
      row.expectedFailing++;
      break;
    case "skip":
      row.notApplicable++;
      break;
    case "warn":
      row.warnings++;
      break;
    default:
      row.failed++;
  }
}

export function areaOf(id: string): string {
  return id.split(".")[0] ?? id;
}

export function coverage(r: SuiteReport): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  const row = (kind: CoverageRow["kind"], name: string) => {
    const key = `${kind}:${name}`;
    let x = rows.get(key);
    if (!x) {
      x = { kind, name, passed: 0, failed: 0, warnings: 0, expectedFailing: 0, notApplicable: 0 };
      rows.set(key, x);
    }
    return x;
  };
  for (const f of r.fixtures) {
    bump(row("area", areaOf(f.id)), f);
    const features = f.features.length ? f.features : ["(none: the core)"];
    for (const feature of features) bump(row("feature", feature), f);
  }
  const sorted = [...rows.values()];
  return [...sorted.filter((x) => x.kind === "area").sort((a, b) => a.name.localeCompare(b.name)), ...sorted.filter((x) => x.kind === "feature").sort((a, b) => a.name.localeCompare(b.name))];
}

const HEAD = ["passed", "failed", "warnings", "expected failures", "not applicable"] as const;
const cells = (x: CoverageRow) => [x.passed, x.failed, x.warnings, x.expectedFailing, x.notApplicable];

export function coverageText(r: SuiteReport): string {
  const rows = coverage(r);
  const width = Math.max(20, ...rows.map((x) => x.name.length + 2));
  const line = (label: string, values: (string | number)[]) => `${label.padEnd(width)}${values.map((v, i) => String(v).padStart(HEAD[i]!.length + 2)).join("")}`;
  const out = ["What is covered and what is missing (fixtures by area, then by the optional feature they need):", line("", [...HEAD])];
  for (const kind of ["area", "feature"] as const) {
    out.push(kind === "area" ? "area" : "feature");
    for (const x of rows.filter((y) => y.kind === kind)) out.push(line(`  ${x.name}`, cells(x)));
  }
  return out.join("\n");
}

export function coverageMarkdown(r: SuiteReport): string {
  const rows = coverage(r);
  const out = ["## What is missing?", "", `| | ${HEAD.join(" | ")} |`, `|---|${HEAD.map(() => "---:").join("|")}|`];
  for (const kind of ["area", "feature"] as const) {
    for (const x of rows.filter((y) => y.kind === kind)) out.push(`| ${kind} \`${x.name}\` | ${cells(x).join(" | ")} |`);
  }
  return out.join("\n");
}

/**
 * The feature groups that did not run because the implementation does not claim them,
 * each with the number of fixtures skipped for it (a fixture lacking two counts in both);
 * empty when everything applicable ran.
 */
export function unclaimedGroups(r: SuiteReport): { feature: string; fixtures: number }[] {
  const claimed = new Set(r.descriptor.features);
  const counts = new Map<string, number>();
  for (const f of r.fixtures) {
    if (f.outcome !== "skip") continue;
    for (const feature of f.features) if (!claimed.has(feature)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  }
  return [...counts].map(([feature, fixtures]) => ({ feature, fixtures })).sort((a, b) => b.fixtures - a.fixtures || a.feature.localeCompare(b.feature));
}

/** One line for the summary: never silent about what did not run. */
export function unclaimedLine(r: SuiteReport): string | undefined {
  const groups = unclaimedGroups(r);
  if (groups.length === 0) return undefined;
  const skipped = r.fixtures.filter((f) => f.outcome === "skip").length;
  return `not run: ${groups.map((g) => `${g.feature} (${g.fixtures})`).join(", ")}: ${skipped} fixture(s) skipped because ${r.implementation} does not claim these features`;
}
