// What a property run reports, and its text form. Free of fast-check: `run`, `list` and
// `lint` import this without loading the generator library (it is loaded only when
// properties run, see load.ts).

/** The modest budget `app-server-conformance run` uses (well under 2 minutes on 2 cores). */
export const RUN_DEFAULTS = {
  scale: 0.4,
  budgetMs: 90_000,
  shrinkBudgetMs: 20_000,
} as const;

/** A random fast-check seed (what a run without --seed uses, and prints). */
export function drawSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff) ^ (Date.now() & 0x7fffffff);
}

export type PropertyStatus = "pass" | "fail" | "skip" | "error";

export interface PropertyResult {
  id: string;
  number: number;
  title: string;
  status: PropertyStatus;
  /** Runs that executed (passing runs plus the failing one). */
  runs: number;
  /** Runs that were planned. */
  plannedRuns: number;
  /** True when the time budget stopped the property early. */
  interrupted: boolean;
  skipReason?: string;
  /** A remark, e.g. a part of the property that did not apply to this implementation. */
  note?: string;
  seed: number;
  /** Replay path of the (shrunk) counterexample. */
  path?: string;
  counterexample?: string;
  message?: string;
  /** The last lines of the server's stderr when the (shrunk) case failed. */
  stderrTail?: string;
  /** The regression fixture written for the failure (only with a regressions directory). */
  fixtureFile?: string;
  replay?: string;
  durationMs: number;
}

export interface PropertiesReport {
  implementation: string;
  seed: number;
  results: PropertyResult[];
  ok: boolean;
  durationMs: number;
}

export function propertyCounts(report: PropertiesReport): { pass: number; fail: number; skip: number } {
  const count = (s: PropertyStatus) => report.results.filter((r) => r.status === s).length;
  return { pass: count("pass"), fail: count("fail") + count("error"), skip: count("skip") };
}

const indent = (text: string, by: string) => text.split("\n").join(`\n${by}`);

export function renderReport(report: PropertiesReport): string {
  const lines = [`properties against ${report.implementation} (seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s)`];
  for (const r of report.results) {
    if (r.status === "pass") lines.push(`  pass  ${r.id}  ${r.runs}${r.interrupted ? `/${r.plannedRuns} (time budget)` : ""} runs${r.note ? ` (${r.note})` : ""}`);
    else if (r.status === "skip") lines.push(`  skip  ${r.id}  ${r.skipReason}`);
    else if (r.status === "error") lines.push(`  ERROR ${r.id}  ${indent(r.message ?? "", "        ")}`);
    else {
      lines.push(`  FAIL  ${r.id}  after ${r.runs} runs`);
      lines.push(`        ${indent(r.message ?? "", "        ")}`);
      lines.push(`        counterexample: ${r.counterexample}`);
      lines.push(`        seed ${r.seed}, path ${r.path}`);
      lines.push(`        replay: ${r.replay}`);
      if (r.fixtureFile) lines.push(`        regression fixture: ${r.fixtureFile}`);
      if (r.stderrTail) lines.push("        server stderr (last lines):", `          ${indent(r.stderrTail.trimEnd(), "          ")}`);
    }
  }
  const c = propertyCounts(report);
  // Plain closing line (errors count as failures): `properties: N passed, N failed, N skipped`.
  lines.push(`properties: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped`);
  return lines.join("\n");
}
