// StrykerJS: mutation testing of the reference server's sources against its tests plus the
// corpus (docs/mutation-testing.md). Run it through `npm run mutation`, which picks one
// slice at a time (mutation/slices.mjs) by MUTATION_SLICE.
import { sliceNamed } from "./mutation/slices.mjs";

const slice = sliceNamed(process.env.MUTATION_SLICE ?? "output");
// MUTATION_CORPUS, when set, overrides the slice's fixture globs (a narrower run).
process.env.MUTATION_CORPUS ??= slice.corpus.join(" ");
const out = `reports/mutation/${slice.name}`;

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "mutation/vitest.config.ts", related: false },
  // Per-test coverage: the child server's coverage comes back through
  // mutation/child-coverage.setup.ts, so each mutant runs only the tests (and fixtures) that reach it.
  coverageAnalysis: "perTest",
  mutate: slice.mutate,
  testFiles: slice.tests,
  // The tests run the server from dist/: build it from the mutated sources in the sandbox.
  buildCommand: "tsc -p mutation/tsconfig.server.json && node mutation/unbundled-entry.mjs",
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  tempDirName: "reports/mutation/.sandbox",
  ignorePatterns: ["reports", ".tmp", "dist/reference-server", "docs"],
  // Two cores shared with everything else: one test runner, generous timeouts.
  concurrency: 1,
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 30,
  cleanTempDir: true,
};
