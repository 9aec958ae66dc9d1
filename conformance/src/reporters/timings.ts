// `run --timings`: a plain-text table of where a suite run's wall time went, phase by phase
// (the phases and their clock are runner/timings.ts).
import type { SuiteReport } from "../runner/suite.ts";
import { PHASE_HELP, PHASES } from "../runner/timings.ts";

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

/** A plain-text table: per phase, the median per run and the sum over all runs; then the slowest fixtures. */
export function formatTimings(report: SuiteReport, slowest = 5): string {
  const runs = report.fixtures.flatMap((f) => f.runs.map((r) => ({ id: f.id, run: r }))).filter((x) => x.run.timings);
  if (runs.length === 0) return "timings: no fixture ran\n";
  const total = runs.reduce((a, x) => a + x.run.durationMs, 0);
  const rows = PHASES.map((p) => {
    const values = runs.map((x) => x.run.timings![`${p}Ms`]);
    const sum = values.reduce((a, b) => a + b, 0);
    return [p, fmt(median(values)), fmt(sum), `${((sum / total) * 100).toFixed(0)}%`, PHASE_HELP[p]];
  });
  const header = ["phase", "median/run", "sum", "share", "what"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const out = [
    `timings: ${runs.length} runs, ${fmt(total)} of fixture time in ${fmt(report.durationMs)} wall with ${report.options.jobs} jobs`,
    line(header),
    ...rows.map(line),
    `slowest:`,
    ...[...runs]
      .sort((a, b) => b.run.durationMs - a.run.durationMs)
      .slice(0, slowest)
      .map(({ id, run }) => {
        const t = run.timings!;
        const top = PHASES.filter((p) => p !== "steps")
          .map((p) => [p, t[`${p}Ms`]] as const)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 2)
          .map(([p, ms]) => `${p} ${fmt(ms)}`);
        return `  ${fmt(run.durationMs).padStart(8)}  ${id}  (steps ${fmt(t.stepsMs)}; ${top.join(", ")})`;
      }),
  ];
  return `${out.join("\n")}\n`;
}
