// Per-phase timing of a fixture run (`run --timings`, and `timings` in each run of the JSON
// report): where a corpus run's wall time goes. Phases do not overlap, except that
// `quiet` and the leftover polling of `expectNoLeftovers` steps are also part of `steps`.
import type { SuiteReport } from "./suite.ts";

export const PHASES = ["setup", "spawn", "handshake", "steps", "quiet", "leftoverScan", "teardown", "cleanup"] as const;
export type Phase = (typeof PHASES)[number];

/** Milliseconds per phase. */
export type FixtureTimings = Record<`${Phase}Ms`, number>;

export const PHASE_HELP: Record<Phase, string> = {
  setup: "temporary workspace, pid folder and the fixture's setup files",
  spawn: "starting the server process (or opening the connection)",
  handshake: "initialize request to its reply: mostly the server's cold start",
  steps: "the fixture's steps, waits included",
  quiet: "deliberate waits inside steps (sleep, expectSilence)",
  leftoverScan: "looking for and killing leftover probe processes",
  teardown: "stopping the server (stdin closed, then signals)",
  cleanup: "removing the workspace",
};

export class PhaseClock {
  private readonly ms = new Map<Phase, number>();

  add(phase: Phase, ms: number): void {
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + ms);
  }

  async time<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - start);
    }
  }

  timings(): FixtureTimings {
    return Object.fromEntries(PHASES.map((p) => [`${p}Ms`, Math.round((this.ms.get(p) ?? 0) * 10) / 10])) as FixtureTimings;
  }
}

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
