// Loaded only under Stryker (mutation/vitest.config.ts). Most tests of the reference server,
// and the whole corpus, start the server as a child process (node dist/...), where Stryker's
// hooks in the test worker cannot reach. This file carries the active mutant into those
// children and, during Stryker's dry run, brings their mutant coverage back into the
// worker's per-test coverage: a child's coverage counts for the test that was running when
// it started, or for every test of the file when it started in a beforeAll hook.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";

// The same names as in child-preload.mjs.
const MUTANT = "STRYKER_CHILD_MUTANT";
const COVERAGE_DIR = "STRYKER_CHILD_COVERAGE_DIR";
const NODE_OPTIONS_BEFORE = "STRYKER_CHILD_NODE_OPTIONS";

type Counts = Record<string, number>;
interface MutantCoverage {
  static: Counts;
  perTest: Record<string, Counts>;
}
interface TaskLike {
  name: string;
  type: string;
  suite?: TaskLike;
  file?: { filepath: string };
  tasks?: TaskLike[];
  result?: { state?: string };
}

// Stryker provides these to its own setup file; their keys are not in vitest's typed context.
const provided = inject as unknown as (key: string) => unknown;
const namespace = provided("globalNamespace") as string | undefined;
const ns = (namespace === undefined ? {} : ((globalThis as Record<string, unknown>)[namespace] ??= {})) as {
  mutantCoverage?: MutantCoverage;
  activeMutant?: unknown;
};

const preload = pathToFileURL(fileURLToPath(new URL("./child-preload.mjs", import.meta.url))).href;
if (namespace !== undefined && !process.env.NODE_OPTIONS?.includes(preload)) {
  process.env[NODE_OPTIONS_BEFORE] = process.env.NODE_OPTIONS ?? "";
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${preload}`.trim();
}

if (namespace === undefined) {
  // Not under Stryker (e.g. `vitest list --config mutation/vitest.config.ts`): nothing to carry.
} else if (provided("mode") === "mutant") {
  delete process.env[COVERAGE_DIR];
  // Activate the mutant before the test file imports the code under test. Stryker 9.6.1
  // activates it in a beforeAll hook whenever it filters tests (always, with per-test
  // coverage), which is too late for a *static* mutant, one in code that runs at import
  // (a module-level constant): those were reported as survivors whatever the tests checked
  // (stryker-js issues #6144, #6209). Each run imports the files afresh, and for other
  // mutants the hook sets the same id again.
  ns.activeMutant = provided("activeMutant");
  beforeAll(() => {
    process.env[MUTANT] = String(provided("activeMutant"));
  });
} else {
  delete process.env[MUTANT];
  const dirs: string[] = [];
  const perTest = new Map<string, string>();
  const newDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-child-cov-"));
    dirs.push(dir);
    return dir;
  };
  let fileDir = "";
  beforeAll(() => {
    fileDir = newDir();
    process.env[COVERAGE_DIR] = fileDir;
  });
  beforeEach(({ task }) => {
    const dir = newDir();
    perTest.set(testId(task as unknown as TaskLike), dir);
    process.env[COVERAGE_DIR] = dir;
  });
  afterEach(() => {
    process.env[COVERAGE_DIR] = fileDir;
  });
  // Registered after Stryker's setup file, so (vitest runs after-hooks in reverse) this runs
  // before Stryker's afterAll hands ns.mutantCoverage to the runner.
  afterAll(async ({}, suite) => {
    // A server still running flushes its coverage every 100 ms (child-preload.mjs).
    await new Promise((r) => setTimeout(r, 250));
    const coverage = (ns.mutantCoverage ??= { static: {}, perTest: {} });
    const fileWide = readCoverage(fileDir);
    for (const id of ranTests(suite as unknown as TaskLike)) addCounts((coverage.perTest[id] ??= {}), fileWide);
    for (const [id, dir] of perTest) addCounts((coverage.perTest[id] ??= {}), readCoverage(dir));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

function readCoverage(dir: string): Counts {
  const counts: Counts = {};
  for (const name of readdirSync(dir)) {
    let child: Partial<MutantCoverage>;
    try {
      child = JSON.parse(readFileSync(join(dir, name), "utf8")) as Partial<MutantCoverage>;
    } catch {
      continue; // caught mid-write by a kill: the previous flush is lost with it
    }
    addCounts(counts, child.static ?? {});
    for (const c of Object.values(child.perTest ?? {})) addCounts(counts, c);
  }
  return counts;
}

function addCounts(to: Counts, from: Counts): void {
  for (const [id, n] of Object.entries(from)) to[id] = (to[id] ?? 0) + n;
}

function ranTests(task: TaskLike): string[] {
  if (task.type === "test") return task.result?.state === "pass" || task.result?.state === "fail" ? [testId(task)] : [];
  return (task.tasks ?? []).flatMap(ranTests);
}

/** The test id Stryker's vitest runner uses (its stryker-setup.js). */
function testId(task: TaskLike): string {
  const parts = [task.name];
  for (let s = task.suite; s; s = s.suite) parts.unshift(s.name);
  return `${task.file?.filepath ?? "unknown.js"}#${parts.join(" ").trim()}`;
}
