// The corpus as vitest tests, one per fixture, for Stryker only (mutation/vitest.config.ts):
// one test per fixture lets Stryker's per-test coverage run, for each mutant of the reference
// server, only the fixtures that reach it. The server is the one built from the mutated
// sources (stryker.config.mjs, buildCommand); the judge is the kit's own source, never mutated.
// MUTATION_CORPUS (space-separated fixture-id globs, from mutation/slices.mjs) narrows the set.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { loadFixtures, loadImplementation, probeArgv, runSuite, selectFixtures } from "../conformance/src/kit.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// What child-coverage.setup.ts puts in the environment: the kit gives a server a scrubbed
// environment, so the descriptor carries these on.
const CARRIED = ["NODE_OPTIONS", "STRYKER_CHILD_MUTANT", "STRYKER_CHILD_COVERAGE_DIR", "STRYKER_CHILD_NODE_OPTIONS"];

const reference = loadImplementation(join(ROOT, "fixtures/implementations/reference.jsonc"));
const { fixtures, problems } = loadFixtures(join(ROOT, "fixtures"));
if (problems.length) throw new Error(`the corpus does not load: ${problems.length} problem(s)`);
const filter = (process.env.MUTATION_CORPUS ?? "").split(/\s+/).filter(Boolean);
const { selected } = selectFixtures(fixtures, { filter, tags: [], features: reference.features });

for (const loaded of selected) {
  test(loaded.fixture.id, async () => {
    const env = { ...reference.env };
    for (const key of CARRIED) if (process.env[key] !== undefined) env[key] = process.env[key];
    const report = await runSuite(
      { ...reference, env },
      { selected: [loaded], skipped: [], partial: true },
      // strict: a mutant that makes a recommended or optional fixture fail is caught too.
      { jobs: 1, repeat: 1, timeoutMultiplier: 1, strict: true, filter: [], tags: [], probe: probeArgv() },
    );
    const f = report.fixtures[0];
    expect(report.ok, `${f?.outcome}: ${f?.detail}`).toBe(true);
  });
}
