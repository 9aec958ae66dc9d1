// Real run reports for the report's tests: a few fixtures of the corpus against the
// reference server, and against the reference behind a mutating proxy (so that some
// cells fail, with a transcript and a line of server stderr).
import { join } from "node:path";
import process from "node:process";
import { loadFixtures } from "../../src/fixture/load.ts";
import { adHocImplementation, DEFAULT_AD_HOC_FEATURES, loadImplementation } from "../../src/descriptor/implementation.ts";
import { MUTATION_VAR, TARGET_VAR } from "../../src/mutants/catalogue.ts";
import { kitProgramArgv, packageRoot } from "../../src/probe/probe-path.ts";
import { renderJson } from "../../src/reporters/json.ts";
import { parseRunReport, type RunReport } from "../../src/report/run-report.ts";
import { runSuite, selectFixtures } from "../../src/runner/suite.ts";
import { PROBE } from "../support/helpers.ts";

export const FILTER = ["process.cap.*", "exec.buffered.exit-code", "exec.buffered.utf8"];
export const STDERR_LINE = "mutant server starting";

async function runOne(impl: ReturnType<typeof loadImplementation>): Promise<RunReport> {
  const { fixtures } = loadFixtures(join(packageRoot(), "fixtures"));
  const selection = selectFixtures(fixtures, { filter: FILTER, tags: [], features: impl.features });
  const suite = await runSuite(impl, selection, { jobs: 2, repeat: 1, timeoutMultiplier: 2, strict: false, filter: FILTER, tags: [], probe: PROBE });
  return parseRunReport(JSON.parse(renderJson(suite)), impl.name);
}

export async function realReports(): Promise<{ report: RunReport; source: string }[]> {
  const reference = loadImplementation(join(packageRoot(), "fixtures", "implementations", "reference.jsonc"));
  const target = JSON.stringify(reference.argv);
  const mutant = adHocImplementation(["/bin/sh", "-c", `echo '${STDERR_LINE}' >&2; exec "$0" "$@"`, ...kitProgramArgv("mutants/proxy")], [...DEFAULT_AD_HOC_FEATURES, "unix", "signals"]);
  mutant.name = "mutant";
  mutant.env = { [TARGET_VAR]: target, [MUTATION_VAR]: "drop-exit-cap-flags" };
  // Process fixtures are "not applicable" to this one: it claims no experimental API.
  const noExperimental = { ...reference, name: "stable-only", features: ["tty", "unix", "signals"] };
  return [
    { report: await runOne(reference), source: "reference.json" },
    { report: await runOne(mutant), source: "mutant.json" },
    { report: await runOne(noExperimental), source: "stable-only.json" },
  ];
}
