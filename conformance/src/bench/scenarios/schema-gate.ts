// Scenario 6: the schema gate over a whole real protocol: `schema diff` of two Codex
// releases, both variants on each side (4 generations, ~900 definitions each, per-type
// files checked against their bundles), timed as a user runs it (a fresh CLI process).
// Target: under 3 s. Needs the releases' generated schemas in ~/.cache/codex-schemas
// (`app-server-conformance schema codex 0.169.1 0.171.0` fills it); the bench does not install.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultCache } from "../../compat/codex-releases.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

const PAIR = ["0.169.1", "0.171.0"] as const;

export async function schemaGate(gateCli: string, o: BenchOptions): Promise<Measurement[]> {
  const root = defaultCache(o.log).schemaRoot;
  const [oldDir, newDir] = PAIR.map((v) => join(root, v));
  const base = { scenario: "7. schema gate", metric: `schema diff Codex ${PAIR[0]} -> ${PAIR[1]}, stable+experimental: wall time`, unit: "s", better: "lower" as const };
  const missing = [oldDir!, newDir!].filter((d) => !existsSync(join(d, "stable")) || !existsSync(join(d, "experimental")));
  if (missing.length > 0) {
    o.log(`  schema gate: skipped, no generated schemas in ${missing.join(", ")}`);
    return [{ ...base, summary: summarize([]), samples: [], errors: 1, note: `run \`app-server-conformance schema codex ${PAIR.join(" ")}\` first to generate the schemas` }];
  }
  const samples: number[] = [];
  let errors = 0;
  for (let i = 0; i < o.warmup + o.repeats; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, [gateCli, "diff", oldDir!, newDir!, "--format", "json"], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0 && r.status !== 1) errors++;
    if (i >= o.warmup) samples.push(seconds);
  }
  o.log(`  schema gate: ${samples.map((s) => s.toFixed(2)).join(", ")} s`);
  return [{ ...base, summary: summarize(samples), samples, errors, note: "target < 3 s; exit 1 expected (0.171.0 has breaking changes)" }];
}
