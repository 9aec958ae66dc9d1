#!/usr/bin/env node
// `npm run properties:soak`: proves the properties raise no false failures by running the
// whole suite under many seeds against one implementation (a benchmark-style script, not
// a test: it takes minutes). Prints a line per seed, the failures with their replay
// command, and the figures at the end; exits 1 when any seed failed.
import process from "node:process";
import { Command } from "commander";
import { positiveInt, positiveNumber } from "../cli/arg-parsers.ts";
import { implementationFrom } from "./command.ts";
import { propertyCounts } from "./report.ts";

interface SoakOptions {
  implementation?: string;
  server?: string;
  seeds: number;
  firstSeed: number;
  scale: number;
  shrinkBudget: number;
  property?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function soak(o: SoakOptions): Promise<number> {
  const { runProperties } = await import("./run.ts");
  const impl = implementationFrom(o);
  const started = Date.now();
  const perSeed: number[] = [];
  let runs = 0;
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  process.stdout.write(`soak: ${o.seeds} seeds from ${o.firstSeed} against ${impl.name}, scale ${o.scale}\n`);
  for (let i = 0; i < o.seeds; i++) {
    const seed = o.firstSeed + i;
    const t0 = Date.now();
    const report = await runProperties({
      implementation: impl,
      seed,
      scale: o.scale,
      regressionsDir: null,
      shrinkBudgetMs: o.shrinkBudget * 1000,
      ...(o.property?.length ? { only: o.property } : {}),
    });
    const secs = (Date.now() - t0) / 1000;
    perSeed.push(secs);
    const c = propertyCounts(report);
    passed += c.pass;
    skipped += c.skip;
    runs += report.results.reduce((a, r) => a + r.runs, 0);
    for (const r of report.results) {
      if (r.status === "fail" || r.status === "error") failures.push(`seed ${seed} ${r.id}: ${(r.message ?? "").split("\n")[0]}\n    ${r.replay ?? ""}`);
    }
    process.stdout.write(`[${i + 1}/${o.seeds}] seed ${seed}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped, ${report.results.reduce((a, r) => a + r.runs, 0)} runs (${secs.toFixed(1)} s)\n`);
  }
  const total = (Date.now() - started) / 1000;
  const sorted = [...perSeed].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  process.stdout.write(
    [
      "",
      `implementation:     ${impl.name}`,
      `seeds:              ${o.seeds} (${o.firstSeed}..${o.firstSeed + o.seeds - 1}), scale ${o.scale}`,
      `property results:   ${passed} passed, ${failures.length} failed, ${skipped} skipped`,
      `generated cases:    ${runs}`,
      `seconds per seed:   median ${median.toFixed(1)}, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)}`,
      `wall time:          ${(total / 60).toFixed(1)} min`,
      ...(failures.length ? ["failures:", ...failures.map((f) => `  ${f}`)] : ["no failures"]),
      "",
    ].join("\n"),
  );
  return failures.length ? 1 : 0;
}

await new Command("properties:soak")
  .description("Run every property under many seeds against one implementation; report figures and any failure")
  .option("--implementation <descriptor>", "an implementation descriptor (or a built-in name: reference, codex)")
  .option("--server <command line>", "the server to test (stdio JSONL)")
  .option("--seeds <n>", "how many seeds", positiveInt, 200)
  .option("--first-seed <n>", "the first seed (then +1 each)", positiveInt, 1)
  .option("--scale <factor>", "multiply each property's default run count", positiveNumber, 0.4)
  .option("--shrink-budget <seconds>", "shrinking time per failure", positiveNumber, 10)
  .option("--property <id>", "only this property or group (repeatable)", collect)
  .action(async (o: SoakOptions) => {
    process.exitCode = await soak(o);
  })
  .parseAsync(process.argv);
