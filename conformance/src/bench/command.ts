// `app-server-conformance bench` / `npm run bench`: measures a server (and optionally
// another one side by side) on what users feel: streaming throughput, latency,
// concurrency, memory under a slow reader, and the conformance corpus's wall time.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import { packageRoot } from "../probe/probe-path.ts";
import { renderJson, renderText, type ServerRun } from "./report.ts";
import { coldStart } from "./scenarios/cold-start.ts";
import { concurrency } from "./scenarios/concurrency.ts";
import { kitSpeed } from "./scenarios/kit-speed.ts";
import { latency } from "./scenarios/latency.ts";
import { memory } from "./scenarios/memory.ts";
import { schemaGate } from "./scenarios/schema-gate.ts";
import { reportPage } from "./scenarios/report-page.ts";
import { machineLimit, streaming } from "./scenarios/streaming.ts";
import type { BenchOptions, Measurement } from "./types.ts";

const MiB = 1024 * 1024;
const SCENARIOS = ["cold-start", "streaming", "latency", "concurrency", "memory", "kit", "schema-gate", "report"] as const;
type ScenarioName = (typeof SCENARIOS)[number];

/** The bundled reference server's command line (the default for bench and reliability). */
export function defaultServer(root: string): string {
  return `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, "dist/reference-server/src/main.cjs"))}`;
}

export function benchCommand(): Command {
  const root = packageRoot();
  return new Command("bench")
    .description("Benchmark a server (and optionally a second one side by side) over stdio")
    .option("--server <command line>", "server to measure", defaultServer(root))
    .option("--vs <command line>", "a second server measured in the same run, with ratios")
    .option("--json <file>", "also write the results as JSON")
    .addOption(new Option("--only <names...>", "run only these scenarios").choices([...SCENARIOS]))
    .option("--repeats <n>", "measured repetitions per scenario", (v) => Number(v), 3)
    .option("--warmup <n>", "unmeasured warm-up repetitions", (v) => Number(v), 1)
    .option("--cold-starts <n>", "measured server starts in the cold-start scenario", (v) => Number(v), 30)
    .option("--stream-mib <n>", "bytes streamed per throughput run, in MiB", (v) => Number(v), 256)
    .option("--latency-count <n>", "sequential requests per latency run", (v) => Number(v), 200)
    .option("--concurrency <n>", "concurrent commands in the concurrency run", (v) => Number(v), 100)
    .option("--memory-mib <n>", "bytes written in the memory run, in MiB", (v) => Number(v), 1024)
    .option("--read-mib-per-s <n>", "the slow client's read rate in the memory run", (v) => Number(v), 128)
    .option("--quick", "small sizes for a smoke run (16 MiB streams, 20 requests, 10 commands, 1 repeat)")
    .action(async (opts) => {
      process.exitCode = await runBench(root, opts);
    });
}

interface CliOptions {
  server: string;
  vs?: string;
  json?: string;
  only?: ScenarioName[];
  repeats: number;
  warmup: number;
  coldStarts: number;
  streamMib: number;
  latencyCount: number;
  concurrency: number;
  memoryMib: number;
  readMibPerS: number;
  quick?: boolean;
}

async function runBench(root: string, cli: CliOptions): Promise<number> {
  const quick = cli.quick === true;
  const workdir = mkdtempSync(join(tmpdir(), "asc-bench-"));
  const options: BenchOptions = {
    cwd: workdir,
    repeats: quick ? 1 : cli.repeats,
    warmup: quick ? 0 : cli.warmup,
    coldStarts: quick ? 5 : cli.coldStarts,
    streamBytes: (quick ? 16 : cli.streamMib) * MiB,
    latencyCount: quick ? 20 : cli.latencyCount,
    concurrency: quick ? 10 : cli.concurrency,
    concurrentSleepMs: 200,
    memoryBytes: (quick ? 64 : cli.memoryMib) * MiB,
    memoryReadBytesPerSecond: cli.readMibPerS * MiB,
    kitCommand: [process.execPath, join(root, "dist/conformance/src/cli/main.js")],
    log: (line) => console.error(line),
  };
  const selected = new Set<ScenarioName>(cli.only ?? SCENARIOS);
  const servers = [{ label: "server", command: cli.server }, ...(cli.vs ? [{ label: "vs", command: cli.vs }] : [])];
  const runs: ServerRun[] = [];
  try {
    // Cold starts, streaming and the kit's runs alternate between the servers (side by
    // side), before the rest.
    const commands = servers.map((s) => s.command);
    const starts = selected.has("cold-start") ? await coldStart(commands, options) : [];
    const streams = selected.has("streaming") ? await streaming(commands, options) : [];
    const kits = selected.has("kit") ? await kitSpeed(commands, options) : [];
    for (const [k, server] of servers.entries()) {
      console.error(`${server.label}: ${server.command}`);
      const measurements: Measurement[] = [...(starts[k] ?? []), ...(streams[k] ?? [])];
      if (selected.has("latency")) measurements.push(...(await latency(server.command, options)));
      if (selected.has("concurrency")) measurements.push(...(await concurrency(server.command, options)));
      if (selected.has("memory")) measurements.push(...(await memory(server.command, options)));
      measurements.push(...(kits[k] ?? []));
      runs.push({ ...server, measurements });
    }
    if (selected.has("schema-gate")) {
      const gate = await schemaGate(join(root, "dist/conformance/src/compat/cli.js"), options); // server-independent
      for (const run of runs) run.measurements.push(...gate);
    }
    if (selected.has("streaming")) {
      console.error("machine limit");
      const limits = await machineLimit(options);
      for (const run of runs) run.measurements.push(...limits);
    }
    if (selected.has("report")) {
      console.error("report page");
      const page = await reportPage(options);
      for (const run of runs) run.measurements.push(...page);
    }
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
  console.log(renderText(runs));
  if (cli.json) writeFileSync(cli.json, renderJson(runs, { ...cli, ...options, log: undefined }));
  return 0;
}
