#!/usr/bin/env node
// `npm run mutation [-- <slice>...]`: StrykerJS over the reference server, one slice at a
// time (mutation/slices.mjs), each in incremental mode with its report under
// reports/mutation/<slice>/. `--list` prints the slices. Exit status: 0 when every slice
// ran, 1 when a slice's Stryker run failed, 2 on a usage error.
import { spawnSync } from "node:child_process";
import { SLICES, sliceNamed } from "./slices.mjs";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(
    "Usage: npm run mutation -- [--list] [slice...]\n\n" +
      "Mutation testing (StrykerJS) of reference-server/src against its tests plus the corpus,\n" +
      "one slice at a time (default: every slice). Reports: reports/mutation/<slice>/index.html.\n" +
      "Extra Stryker options go after `--`, e.g. `npm run mutation -- output -- --force`.\n",
  );
  process.exit(0);
}
if (args.includes("--list")) {
  for (const s of SLICES) process.stdout.write(`${s.name.padEnd(10)} ${s.about}\n`);
  process.exit(0);
}
const split = args.indexOf("--");
const names = split === -1 ? args : args.slice(0, split);
const extra = split === -1 ? [] : args.slice(split + 1);
let slices;
try {
  slices = names.length ? names.map(sliceNamed) : SLICES;
} catch (e) {
  process.stderr.write(`${e.message}\n`);
  process.exit(2);
}
let failed = 0;
for (const slice of slices) {
  process.stderr.write(`\n== mutation slice "${slice.name}": ${slice.about}\n`);
  const started = Date.now();
  const r = spawnSync("npx", ["stryker", "run", "stryker.config.mjs", ...extra], {
    stdio: "inherit",
    env: { ...process.env, MUTATION_SLICE: slice.name },
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stderr.write(`== slice "${slice.name}" ${r.status === 0 ? "done" : "FAILED"} in ${minutes} min\n`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
