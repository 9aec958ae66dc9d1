// Ends the CI log with the test steps' own summary lines, quoted as each step printed
// them (vitest's "Test Files"/"Tests" lines, the kit's "conformance:"/"properties:"
// lines), then one total. CI logs keep only their tail: a run that ends on the schema gate
// or the differential would otherwise show no test runner's summary at all.
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write("usage: node .ci/summary.mjs <log file>\n");
  process.exit(2);
}
// eslint-disable-next-line no-control-regex
const text = readFileSync(file, "utf8").replace(/\x1b\[[0-9;]*m/g, "");

const HEADER = "ci step: ";
const totals = { passed: 0, failed: 0, skipped: 0 };
const quoted = [];
let counted = 0;
const countOf = (word, line) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);

for (const line of text.split("\n")) {
  // .ci/run's step headers ("ci step: npm test …"), to say whose lines follow.
  if (line.startsWith(HEADER)) {
    quoted.push(line);
    continue;
  }
  // vitest: " Test Files  83 passed (83)" and "      Tests  759 passed | 2 skipped (761)"
  // (or "3 failed | 756 passed | …"); the kit: "conformance: 288 passed, 0 failed" and
  // "properties: 12 passed, 0 failed, 0 skipped". Only "Tests" and the kit's lines count.
  const counts = /^\s*Tests\s+\d/.test(line) || /^(conformance|properties): \d/.test(line);
  if (counts || /^\s*Test Files\s+\d/.test(line)) quoted.push(line.trimEnd());
  if (counts) {
    totals.passed += countOf("passed", line);
    totals.failed += countOf("failed", line);
    totals.skipped += countOf("skipped", line);
    counted += 1;
  }
}

// Step headers with nothing quoted under them are left out.
const lines = quoted.filter((line, i) => !line.startsWith(HEADER) || (quoted[i + 1] !== undefined && !quoted[i + 1].startsWith(HEADER)));
process.stdout.write(lines.map((line) => `${line}\n`).join(""));
// The one closing line: every count above, added up. It must stand alone as
// "ci: N passed, N failed, N skipped", the plain form a CI reader takes for a test run's
// end; anything after it on the line (as "(10 test runs)" was) makes the run read as
// having run no test (stops 20-23).
process.stdout.write(`added up over ${counted} test runs:\n`);
process.stdout.write(`ci: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
if (counted === 0) process.exit(1);
