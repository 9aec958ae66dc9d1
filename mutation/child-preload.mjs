// Preloaded (NODE_OPTIONS=--import) into every Node process the tests start under Stryker;
// it acts only in the reference server built from the mutated sources. There it activates the
// mutant under test and writes the server's mutant coverage to a file that
// mutation/child-coverage.setup.ts reads: Stryker's own hooks live in the test worker and
// cannot see into a child process. It then gives the server back the environment it would
// have had, so that the commands the server runs do not inherit any of this.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

// The same names as in child-coverage.setup.ts.
const MUTANT = "STRYKER_CHILD_MUTANT";
const COVERAGE_DIR = "STRYKER_CHILD_COVERAGE_DIR";
const NODE_OPTIONS_BEFORE = "STRYKER_CHILD_NODE_OPTIONS";

const isServer = /reference-server[\\/]src[\\/]main\.js$/.test(process.argv[1] ?? "");

if (isServer) {
  const ns = (globalThis.__stryker__ ??= {});
  const mutant = process.env[MUTANT];
  const dir = process.env[COVERAGE_DIR];
  const before = process.env[NODE_OPTIONS_BEFORE];
  delete process.env[MUTANT];
  delete process.env[COVERAGE_DIR];
  delete process.env[NODE_OPTIONS_BEFORE];
  if (before) process.env.NODE_OPTIONS = before;
  else delete process.env.NODE_OPTIONS;
  if (mutant) ns.activeMutant = mutant;
  if (dir) {
    const file = join(dir, `${process.pid}.json`);
    let written = "";
    const flush = () => {
      if (!ns.mutantCoverage) return;
      const text = JSON.stringify(ns.mutantCoverage);
      if (text === written) return;
      try {
        writeFileSync(file, text);
        written = text;
      } catch {
        // The collecting test file is gone: nobody reads this coverage any more.
      }
    };
    // On exit, and every 100 ms for a server that is killed (SIGKILL runs no handler).
    process.on("exit", flush);
    setInterval(flush, 100).unref();
  }
}
