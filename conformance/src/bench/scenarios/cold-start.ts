// Scenario 0: cold start, from spawning the server to its `initialize` reply. A
// conformance run starts one server per fixture, so this is paid ~280 times per corpus.
// With two servers the starts alternate (A, B, A, B, ...), so that a shared machine's
// changing load falls on both alike.
import { BenchClient } from "../client.ts";
import { cpuSupported, treeCpuMs } from "../cpu.ts";
import { percentile, summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

/** Wall time to the reply, and the CPU time the server's process tree had used by then. */
async function startOnce(serverCommand: string, cwd: string): Promise<{ wallMs: number; cpuMs: number | undefined }> {
  const start = performance.now();
  const client = new BenchClient(serverCommand, cwd);
  try {
    await client.initialize();
    const wallMs = performance.now() - start;
    return { wallMs, cpuMs: cpuSupported() ? treeCpuMs(client.pid) : undefined };
  } finally {
    await client.close();
  }
}

/** One list of measurements per server, in the order given. */
export async function coldStart(serverCommands: readonly string[], o: BenchOptions): Promise<Measurement[][]> {
  const samples = serverCommands.map((): number[] => []);
  const cpu = serverCommands.map((): number[] => []);
  const errors = serverCommands.map(() => 0);
  const notes = serverCommands.map((): string | undefined => undefined);
  for (let i = 0; i < o.warmup + o.coldStarts; i++) {
    for (const [k, command] of serverCommands.entries()) {
      try {
        const { wallMs, cpuMs } = await startOnce(command, o.cwd);
        if (i >= o.warmup) samples[k]!.push(wallMs);
        if (i >= o.warmup && cpuMs !== undefined) cpu[k]!.push(cpuMs);
      } catch (e) {
        errors[k]!++;
        notes[k] = (e as Error).message;
      }
    }
  }
  return serverCommands.map((_, k) => {
    const sorted = [...samples[k]!].sort((a, b) => a - b);
    const p90 = percentile(sorted, 90);
    o.log(`  cold start (server ${k + 1}): median ${percentile(sorted, 50).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms (${sorted.length} starts)`);
    const note = notes[k];
    const base = { scenario: "0. cold start", unit: "ms", better: "lower" as const, errors: errors[k]!, ...(note === undefined ? {} : { note }) };
    return [
      { ...base, metric: `spawn to initialize reply (${o.coldStarts} starts): median`, summary: summarize(sorted), samples: sorted },
      { ...base, metric: `spawn to initialize reply (${o.coldStarts} starts): p90`, summary: summarize([p90]), samples: [p90] },
      // Less moved by other load than wall time: what the start costs the machine.
      ...(cpu[k]!.length
        ? [{ ...base, metric: `CPU time of the server's process tree by the reply: median`, summary: summarize(cpu[k]!), samples: cpu[k]! }]
        : []),
    ];
  });
}
