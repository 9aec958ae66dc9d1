// Scenario 2: request-to-response latency of a trivial command/exec, 200 sequential
// requests, unsandboxed and under the server's default sandbox.
import { BenchClient } from "../client.ts";
import { percentile, summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

async function sequential(client: BenchClient, count: number, sandboxed: boolean): Promise<{ ms: number[]; errors: number; note?: string }> {
  const ms: number[] = [];
  let errors = 0;
  let note: string | undefined;
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    try {
      await client.request("command/exec", {
        command: ["true"],
        ...(sandboxed ? {} : { sandboxPolicy: { type: "dangerFullAccess" } }),
      });
      ms.push(performance.now() - start);
    } catch (e) {
      errors++;
      note = (e as Error).message;
    }
  }
  return { ms, errors, ...(note === undefined ? {} : { note }) };
}

export async function latency(serverCommand: string, o: BenchOptions): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const client = new BenchClient(serverCommand, o.cwd);
  try {
    await client.initialize();
    for (const sandboxed of [false, true]) {
      await sequential(client, Math.min(20, o.latencyCount), sandboxed);
      const { ms, errors, note } = await sequential(client, o.latencyCount, sandboxed);
      const sorted = [...ms].sort((a, b) => a - b);
      const label = sandboxed ? "default sandbox" : "unsandboxed";
      o.log(`  latency ${label}: p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, errors ${errors}`);
      for (const p of [50, 99]) {
        out.push({
          scenario: "2. latency",
          metric: `command/exec true, ${label}, p${p} of ${o.latencyCount}`,
          unit: "ms",
          better: "lower",
          summary: { ...summarize(ms), median: percentile(sorted, p) },
          samples: [],
          errors,
          ...(note === undefined ? {} : { note }),
        });
      }
    }
  } finally {
    await client.close();
  }
  return out;
}
