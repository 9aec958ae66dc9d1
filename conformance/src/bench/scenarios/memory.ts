// Scenario 4: the server's peak resident memory while a child writes 1 GiB with no cap
// to a client that reads slowly. Backpressure must keep it bounded.
import { BenchClient } from "../client.ts";
import { rssSupported, treeRssBytes } from "../rss.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

const MiB = 1024 * 1024;
const SAMPLE_EVERY_MS = 100;

/** Reads the server's stdout no faster than `rate` bytes per second. */
function throttle(client: BenchClient, rate: number): void {
  const start = performance.now();
  let seen = 0;
  client.child.stdout.on("data", (chunk: string) => {
    seen += chunk.length;
    const aheadMs = (seen / rate) * 1000 - (performance.now() - start);
    if (aheadMs > 5) {
      client.setReading(false);
      setTimeout(() => client.setReading(true), aheadMs);
    }
  });
}

export async function memory(serverCommand: string, o: BenchOptions): Promise<Measurement[]> {
  if (!rssSupported()) {
    o.log("  memory: skipped (needs /proc)");
    return [];
  }
  const client = new BenchClient(serverCommand, o.cwd);
  let peak = 0;
  let baseline = 0;
  let note: string | undefined;
  let errors = 0;
  try {
    await client.initialize();
    const isCommand = (_pid: number, comm: string) => comm === "head";
    baseline = treeRssBytes(client.pid, isCommand);
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssBytes(client.pid, isCommand));
    }, SAMPLE_EVERY_MS);
    let received = 0;
    const exited = new Promise<void>((resolve) => {
      client.onNotification = (method, _params, deltaBytes) => {
        if (method === "process/outputDelta") received += deltaBytes;
        else if (method === "process/exited") resolve();
      };
    });
    throttle(client, o.memoryReadBytesPerSecond);
    try {
      await client.request("process/spawn", {
        command: ["head", "-c", String(o.memoryBytes), "/dev/zero"],
        processHandle: "bench-memory",
        cwd: o.cwd,
        streamStdoutStderr: true,
        outputBytesCap: null,
        timeoutMs: null,
      });
      await exited;
      if (received !== o.memoryBytes) throw new Error(`received ${received} of ${o.memoryBytes} bytes`);
    } catch (e) {
      errors++;
      note = (e as Error).message;
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await client.close();
  }
  o.log(`  memory: baseline ${(baseline / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB`);
  const gb = o.memoryBytes / MiB;
  return [
    {
      scenario: "4. memory",
      metric: `server peak RSS, ${gb} MiB streamed to a reader at ${(o.memoryReadBytesPerSecond / MiB).toFixed(0)} MiB/s`,
      unit: "MiB",
      better: "lower",
      summary: summarize([peak / MiB]),
      samples: [peak / MiB],
      errors,
      note: note ?? `baseline ${(baseline / MiB).toFixed(0)} MiB; growth ${((peak - baseline) / MiB).toFixed(0)} MiB`,
    },
  ];
}
