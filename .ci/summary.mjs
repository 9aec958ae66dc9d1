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
const count = (pattern, label, line) => {
  const m = pattern.exec(line);
  if (m === null) return false;
  const passed = Number(m.groups.passed ?? 0);
  const failed = Number(m.groups.failed ?? 0);
  const skipped = Number(m.groups.skipped ?? 0);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  parts.push(`${label} ${passed}/${passed + failed}`);
  return true;
};

for (const line of text.split("\n")) {
  // vitest: "      Tests  759 passed | 2 skipped (761)" (or "3 failed | 756 passed | …")
  if (/^\s*Tests\s+\d/.test(line)) {
    const failed = /(\d+) failed/.exec(line)?.[1] ?? "0";
    const passed = /(\d+) passed/.exec(line)?.[1] ?? "0";
    const skipped = /(\d+) skipped/.exec(line)?.[1] ?? "0";
    count(/(?<passed>\d+) (?<failed>\d+) (?<skipped>\d+)/, "vitest", `${passed} ${failed} ${skipped}`);
    continue;
  }
  // the kit: "conformance: 288 passed, 0 failed" and "properties: 12 passed, 0 failed, 0 skipped"
  if (count(/^conformance: (?<passed>\d+) passed, (?<failed>\d+) failed/, "corpus", line)) continue;
  count(/^properties: (?<passed>\d+) passed, (?<failed>\d+) failed(?:, (?<skipped>\d+) skipped)?/, "properties", line);
}

process.stdout.write(`counted: ${parts.join(", ") || "nothing"}\n`);
// The one closing line CI reads.
process.stdout.write(`ci: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
if (parts.length === 0) process.exit(1);
