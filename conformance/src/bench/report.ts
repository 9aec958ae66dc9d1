// Text and JSON output of a benchmark run, with the ratio pair by pair under --vs.
import { cpus, freemem, platform, release, totalmem } from "node:os";
import type { Measurement } from "./types.ts";

export interface ServerRun {
  label: string;
  command: string;
  measurements: Measurement[];
}

export function machine(): Record<string, unknown> {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? "unknown",
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 1024 ** 3).toFixed(1)),
    os: `${platform()} ${release()}`,
    runtime: typeof (globalThis as { Deno?: unknown }).Deno === "object" ? `deno ${process.versions.deno}` : `node ${process.version}`,
  };
}

function cell(m: Measurement | undefined): string {
  if (!m) return "-";
  if (m.summary.n === 0) return `n/a (${m.errors} errors)`;
  const value = m.summary.median >= 100 ? m.summary.median.toFixed(0) : m.summary.median.toFixed(2);
  const spread = m.summary.n > 1 ? ` ±${(m.summary.spread * 100).toFixed(0)}%` : "";
  const errors = m.errors > 0 ? ` [${m.errors} errors]` : "";
  return `${value} ${m.unit}${spread}${errors}`;
}

/** How many times better `a` is than `b` (> 1: a is better). */
export function advantage(a: Measurement, b: Measurement): number | undefined {
  if (a.summary.n === 0 || b.summary.n === 0) return undefined;
  return a.better === "higher" ? a.summary.median / b.summary.median : b.summary.median / a.summary.median;
}

export function renderText(runs: ServerRun[]): string {
  const [a, b] = runs;
  if (!a) return "";
  const header = ["scenario", "metric", a.label, ...(b ? [b.label, `${a.label} vs ${b.label}`] : [])];
  const rows = a.measurements.map((m) => {
    const other = b?.measurements.find((x) => x.metric === m.metric);
    const ratio = other ? advantage(m, other) : undefined;
    const ratioText = ratio === undefined ? "-" : ratio >= 1 ? `${ratio.toFixed(2)}x better` : `${(1 / ratio).toFixed(2)}x worse`;
    return [m.scenario, m.metric, cell(m), ...(b ? [cell(other), ratioText] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const notes = runs.flatMap((run) => run.measurements.filter((m) => m.note).map((m) => `  ${run.label} / ${m.metric}: ${m.note}`));
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(notes.length ? ["", "notes:", ...notes] : [])].join("\n");
}

export function renderJson(runs: ServerRun[], options: Record<string, unknown>): string {
  const [a, b] = runs;
  const comparisons =
    a && b
      ? a.measurements.map((m) => {
          const other = b.measurements.find((x) => x.metric === m.metric);
          return { metric: m.metric, advantage: other ? advantage(m, other) ?? null : null };
        })
      : [];
  return `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), options, runs, comparisons }, null, 2)}\n`;
}
