// Adds up what the test steps of .ci/run printed (vitest, the kit's corpus and property
// runs) and ends the log with one plain "N passed, N failed" line: CI logs keep only their
// tail, and a run that ends on the schema gate or the differential would otherwise show no
// count at all.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write("usage: node .ci/summary.mjs <log file>\n");
  process.exit(2);
}
// eslint-disable-next-line no-control-regex
const text = readFileSync(file, "utf8").replace(/\x1b\[[0-9;]*m/g, "");

const totals = { passed: 0, failed: 0, skipped: 0 };
const parts = [];
const add = (label, passed, failed, skipped) => {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  parts.push(`${label} ${passed}/${passed + failed}`);
};
const countOf = (word, line) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);

for (const line of text.split("\n")) {
  // vitest: "      Tests  759 passed | 2 skipped (761)" (or "3 failed | 756 passed | …");
  // the kit: "conformance: 288 passed, 0 failed" and "properties: 12 passed, 0 failed, 0 skipped"
  const label = /^\s*Tests\s+\d/.test(line) ? "vitest" : /^conformance: \d/.test(line) ? "corpus" : /^properties: \d/.test(line) ? "properties" : undefined;
  if (label !== undefined) add(label, countOf("passed", line), countOf("failed", line), countOf("skipped", line));
}

process.stdout.write(`counted: ${parts.join(", ") || "nothing"}\n`);
// The one closing line CI reads.
process.stdout.write(`ci: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
if (parts.length === 0) process.exit(1);
