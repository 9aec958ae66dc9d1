// Scenario 3: many concurrent commands that each sleep: total wall time and errors.
import { BenchClient } from "../client.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

export async function concurrency(serverCommand: string, o: BenchOptions): Promise<Measurement[]> {
  const samples: number[] = [];
  let errors = 0;
  let note: string | undefined;
  const client = new BenchClient(serverCommand, o.cwd);
  try {
    await client.initialize();
    for (let round = 0; round < o.warmup + o.repeats; round++) {
      const start = performance.now();
      const results = await Promise.allSettled(
        Array.from({ length: o.concurrency }, () =>
          client.request("command/exec", {
            command: ["sleep", String(o.concurrentSleepMs / 1000)],
            sandboxPolicy: { type: "dangerFullAccess" },
          }),
        ),
      );
      const wall = performance.now() - start;
      const failed = results.filter((r) => r.status === "rejected");
      if (round >= o.warmup) {
        samples.push(wall);
        errors += failed.length;
      }
      if (failed[0]?.status === "rejected") note = String(failed[0].reason);
    }
  } finally {
    await client.close();
  }
  o.log(`  concurrency: ${samples.map((s) => s.toFixed(0)).join(", ")} ms, errors ${errors}`);
  return [
    {
      scenario: "3. concurrency",
      metric: `${o.concurrency} concurrent command/exec sleep ${o.concurrentSleepMs} ms: wall time`,
      unit: "ms",
      better: "lower",
      summary: summarize(samples),
      samples,
      errors,
      ...(note === undefined ? {} : { note }),
    },
  ];
}
