// Scenario 5: the conformance kit's speed against each server: the whole corpus (without
// the properties, which are measured on their own), `--repeats` times, alternating between
// the servers run by run (A, B, A, B, ...) so that a shared machine's changing load falls
// on both alike; and one run of the properties per server.
import { spawn } from "node:child_process";
import { reapedChildrenCpuMs } from "../cpu.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

interface KitRun {
  seconds: number;
  /** CPU seconds of the kit's whole process tree (servers and the commands they ran). */
  cpuSeconds: number | undefined;
  code: number | null;
  /** Of a run that did not pass: its "failing: …" line, else its last line. */
  why?: string;
}

const KEPT_OUTPUT_CHARS = 16_384;

/** What a run that did not pass said last about it. */
function whyFrom(tail: string): string | undefined {
  const lines = tail.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.findLast((l) => l.startsWith("failing: ")) ?? lines.at(-1);
}

/** Runs the kit with `args` to its end; only the tail of its stdout is kept, to say what failed. */
async function runKit(o: BenchOptions, args: readonly string[]): Promise<KitRun> {
  const [program, ...kitArgs] = o.kitCommand;
  const cpuBefore = reapedChildrenCpuMs();
  const start = performance.now();
  let tail = "";
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(program!, [...kitArgs, ...args], { cwd: process.cwd(), stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, NO_COLOR: "1" } });
    child.stdout.setEncoding("utf8").on("data", (d: string) => (tail = (tail + d).slice(-KEPT_OUTPUT_CHARS)));
    child.on("error", () => resolve(null));
    child.on("close", (c) => resolve(c));
  });
  const seconds = (performance.now() - start) / 1000;
  const cpuAfter = reapedChildrenCpuMs();
  const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / 1000;
  const why = code === 0 ? undefined : whyFrom(tail);
  return { seconds, cpuSeconds, code, ...(why === undefined ? {} : { why }) };
}

/** A progress line's end: the exit code, and what a run that did not pass said. */
const ended = (r: KitRun) => `(exit ${r.code})${r.why === undefined ? "" : `: ${r.why}`}`;

function exitNote(runs: readonly KitRun[]): string | undefined {
  if (runs.every((r) => r.code === 0)) return undefined;
  const whys = runs.flatMap((r, i) => (r.why === undefined ? [] : [`run ${i + 1}: ${r.why}`]));
  return [`kit exit codes ${runs.map((r) => r.code).join(", ")} (non-zero: some fixtures failed against this server, or the kit could not run)`, ...whys].join("; ");
}

/** One list of measurements per server, in the order given. */
export async function kitSpeed(serverCommands: readonly string[], o: BenchOptions): Promise<Measurement[][]> {
  const runs = serverCommands.map((): KitRun[] => []);
  for (let i = 0; i < o.repeats; i++) {
    for (const [k, command] of serverCommands.entries()) {
      const run = await runKit(o, ["run", "--no-properties", "--server", command]);
      runs[k]!.push(run);
      const cpu = run.cpuSeconds === undefined ? "" : `, ${run.cpuSeconds.toFixed(1)} s CPU`;
      o.log(`  kit, corpus (server ${k + 1}, run ${i + 1} of ${o.repeats}): ${run.seconds.toFixed(1)} s${cpu} ${ended(run)}`);
    }
  }
  const properties: KitRun[] = [];
  for (const [k, command] of serverCommands.entries()) {
    const run = await runKit(o, ["properties", "--server", command]);
    properties.push(run);
    o.log(`  kit, properties (server ${k + 1}): ${run.seconds.toFixed(1)} s ${ended(run)}`);
  }
  return serverCommands.map((_, k) => {
    const corpus = runs[k]!;
    const base = { scenario: "5. kit speed", unit: "s", better: "lower" as const };
    const withNote = (note: string | undefined) => (note === undefined ? {} : { note });
    const wall = corpus.map((r) => r.seconds);
    const cpu = corpus.flatMap((r) => (r.cpuSeconds === undefined ? [] : [r.cpuSeconds]));
    const props = properties[k]!;
    return [
      { ...base, metric: "whole corpus, no properties: wall time", summary: summarize(wall), samples: wall, errors: corpus.filter((r) => r.code === null).length, ...withNote(exitNote(corpus)) },
      // What the run cost the machine: less moved by other load than wall time.
      ...(cpu.length ? [{ ...base, metric: "whole corpus: CPU time of the kit's process tree", summary: summarize(cpu), samples: cpu, errors: 0 }] : []),
      { ...base, metric: "properties: wall time", summary: summarize([props.seconds]), samples: [props.seconds], errors: props.code === null ? 1 : 0, ...withNote(exitNote([props])) },
    ];
  });
}
