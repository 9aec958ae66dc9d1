// Scenario 1: streaming throughput of 256 MiB of stdout to a fast client, through
// process/spawn and command/exec, plus the machine's limit for the same bytes.
import { spawn } from "node:child_process";
import process from "node:process";
import { BenchClient } from "../client.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

const producer = (bytes: number) => ["head", "-c", String(bytes), "/dev/zero"];

async function streamOnce(client: BenchClient, api: "process" | "exec", bytes: number, cwd: string, n: number): Promise<number> {
  let received = 0;
  const exited = new Promise<void>((resolve) => {
    client.onNotification = (method, _params, deltaBytes) => {
      if (method === "process/outputDelta" || method === "command/exec/outputDelta") {
        received += deltaBytes;
      } else if (method === "process/exited") {
        resolve();
      }
    };
  });
  const start = performance.now();
  if (api === "process") {
    await client.request("process/spawn", {
      command: producer(bytes),
      processHandle: `bench-stream-${n}`,
      cwd,
      streamStdoutStderr: true,
      outputBytesCap: null,
      timeoutMs: null,
    });
    await exited;
  } else {
    await client.request("command/exec", {
      command: producer(bytes),
      processId: `bench-stream-${n}`,
      streamStdoutStderr: true,
      disableOutputCap: true,
      disableTimeout: true,
      sandboxPolicy: { type: "dangerFullAccess" },
    });
  }
  const seconds = (performance.now() - start) / 1000;
  if (received !== bytes) throw new Error(`received ${received} of ${bytes} bytes`);
  return bytes / MiB / seconds;
}

/**
 * One API through every server: a client per server, and the repetitions alternate between
 * them (A, B, A, B, ...) so that a shared machine's changing load falls on both alike.
 */
async function measureApi(serverCommands: readonly string[], api: "process" | "exec", o: BenchOptions): Promise<Measurement[]> {
  const samples = serverCommands.map((): number[] => []);
  const errors = serverCommands.map(() => 0);
  const notes = serverCommands.map((): string | undefined => undefined);
  const clients = serverCommands.map((command) => new BenchClient(command, o.cwd));
  try {
    await Promise.all(clients.map((c) => c.initialize()));
    for (let i = 0; i < o.warmup + o.repeats; i++) {
      for (const [k, client] of clients.entries()) {
        try {
          const rate = await streamOnce(client, api, o.streamBytes, o.cwd, i);
          if (i >= o.warmup) samples[k]!.push(rate);
        } catch (e) {
          errors[k]!++;
          notes[k] = (e as Error).message;
        }
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  const label = api === "process" ? "process/spawn" : "command/exec";
  return serverCommands.map((_, k) => {
    o.log(`  streaming via ${label} (server ${k + 1}): ${samples[k]!.map((s) => s.toFixed(0)).join(", ")} MiB/s`);
    const note = notes[k];
    return {
      scenario: "1. streaming throughput",
      metric: `${label}, ${o.streamBytes / MiB} MiB, no cap`,
      unit: "MiB/s",
      better: "higher" as const,
      summary: summarize(samples[k]!),
      samples: samples[k]!,
      errors: errors[k]!,
      ...(note === undefined ? {} : { note }),
    };
  });
}

/**
 * The same bytes through one process: read from the pipe only (`frame` false), or also
 * base64-encoded and framed as JSON notifications in ~64 KiB batches (`frame` true).
 */
async function machineLimitOnce(bytes: number, frame: boolean): Promise<number> {
  const start = performance.now();
  const argv = producer(bytes);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] });
  let read = 0;
  let framed = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const deltaBase64 = (pending.length === 1 ? pending[0]! : Buffer.concat(pending)).toString("base64");
    framed += JSON.stringify({ method: "process/outputDelta", params: { processHandle: "h", stream: "stdout", deltaBase64, capReached: false } }).length;
    pending = [];
    pendingBytes = 0;
  };
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    read += chunk.length;
    if (!frame) continue;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= CHUNK) flush();
  }
  if (pendingBytes > 0) flush();
  if (read !== bytes || (frame && framed === 0)) throw new Error(`read ${read} of ${bytes} bytes`);
  return bytes / MiB / ((performance.now() - start) / 1000);
}

// A stand-in server that writes ready-made 64 KiB output deltas as fast as the pipe takes
// them: what the bench client can read is the ceiling of any server it measures.
const FRAMED_WRITER = `
const bytes = Number(process.argv.at(-1));
const chunk = 64 * 1024;
const line = JSON.stringify({ method: "process/outputDelta", params: { processHandle: "h", stream: "stdout", deltaBase64: Buffer.alloc(chunk).toString("base64"), capReached: false } }) + "\\n";
const exited = JSON.stringify({ method: "process/exited", params: { processHandle: "h", exitCode: 0 } }) + "\\n";
let left = bytes / chunk;
const pump = () => {
  while (left > 0) { left--; if (!process.stdout.write(line)) return process.stdout.once("drain", pump); }
  process.stdout.write(exited);
};
pump();
`;

async function clientCeilingOnce(bytes: number, cwd: string): Promise<number> {
  const deno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
  const argv = [process.execPath, ...(deno ? ["eval", FRAMED_WRITER] : ["-e", FRAMED_WRITER]), String(bytes)];
  const client = new BenchClient(argv, cwd);
  let received = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    client.onNotification = (method, _params, deltaBytes) => {
      if (method === "process/outputDelta") received += deltaBytes;
      else if (method === "process/exited") resolve();
    };
  });
  const rate = bytes / MiB / ((performance.now() - start) / 1000);
  await client.close();
  if (received !== bytes) throw new Error(`received ${received} of ${bytes} bytes`);
  return rate;
}

async function clientCeiling(o: BenchOptions): Promise<Measurement> {
  const samples: number[] = [];
  for (let i = 0; i < o.warmup + o.repeats; i++) {
    const rate = await clientCeilingOnce(o.streamBytes - (o.streamBytes % CHUNK), o.cwd);
    if (i >= o.warmup) samples.push(rate);
  }
  o.log(`  bench client ceiling (pre-framed deltas from a stand-in server): ${samples.map((s) => s.toFixed(0)).join(", ")} MiB/s`);
  return {
    scenario: "1. streaming throughput",
    metric: "bench client ceiling: pre-framed 64 KiB deltas through a pipe",
    unit: "MiB/s",
    better: "higher",
    summary: summarize(samples),
    samples,
    errors: 0,
  };
}

export async function machineLimit(o: BenchOptions): Promise<Measurement[]> {
  const out: Measurement[] = [await clientCeiling(o)];
  for (const frame of [false, true]) {
    const samples: number[] = [];
    for (let i = 0; i < o.warmup + o.repeats; i++) {
      const rate = await machineLimitOnce(o.streamBytes, frame);
      if (i >= o.warmup) samples.push(rate);
    }
    const what = frame ? "pipe + base64 + JSON framing" : "raw pipe read";
    o.log(`  machine limit (${what}): ${samples.map((s) => s.toFixed(0)).join(", ")} MiB/s`);
    out.push({
      scenario: "1. streaming throughput",
      metric: `machine limit: ${what}, one ${typeof (globalThis as { Deno?: unknown }).Deno === "object" ? "Deno" : "Node"} process`,
      unit: "MiB/s",
      better: "higher",
      summary: summarize(samples),
      samples,
      errors: 0,
    });
  }
  return out;
}

/** One list of measurements per server, in the order given; the servers alternate. */
export async function streaming(serverCommands: readonly string[], o: BenchOptions): Promise<Measurement[][]> {
  const viaProcess = await measureApi(serverCommands, "process", o);
  const viaExec = await measureApi(serverCommands, "exec", o);
  return serverCommands.map((_, k) => [viaProcess[k]!, viaExec[k]!]);
}
