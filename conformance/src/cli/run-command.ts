// `app-server-conformance run`: the corpus (then, on a full run, the properties) against one
// implementation. Exit status: 0 everything required passed, 1 conformance failures,
// 2 usage or setup problems (main.ts maps SetupError and commander's errors to 2).
import process from "node:process";
import { Command } from "commander";
import { collect, positiveInt, positiveNumber, seedValue } from "./arg-parsers.ts";
import { useColor } from "./color.ts";
import { fixtureDirs, FIXTURES_HELP } from "./fixture-dirs.ts";
import { reporterOptions, writeReports, type ReporterSpec } from "./reporter-options.ts";
import { addSelectionOptions, narrowSelection, type RunSelectionOptions } from "./run-selection.ts";
import { judgeAgainstWholeSelection } from "../runner/shard.ts";
import { updateBaselineFile } from "../baseline/baseline-file.ts";
import { formatProblem, loadFixtures } from "../fixture/load.ts";
import { implementationFromOptions, loadBaselineFile, SetupError, type Implementation } from "../descriptor/implementation.ts";
import { preflight } from "../runner/preflight.ts";
import { probeArgv } from "../probe/probe-path.ts";
import { RUN_DEFAULTS } from "../properties/report.ts";
import { prettyProgress } from "../reporters/pretty.ts";
import { formatTimings } from "../reporters/timings.ts";
import { defaultJobs, rejudge, runSuite, selectFixtures, type Selection, type SuiteReport } from "../runner/suite.ts";
import { IDLE_GATE_DEFAULTS } from "../runner/idle-gate.ts";

/**
 * Without --jobs: up to this many fixtures per core while the CPU is idle. The longest
 * fixtures start first and mostly wait, so at 4 per core they filled every place in a run's
 * first seconds and left the CPU 40-60% idle (0-25% at 8). What that buys a whole run is
 * within this machine's noise over stdio, more over a Unix socket (docs/performance.md);
 * the corpus stays green beside CPU burners either way.
 */
const AUTO_MAX_JOBS_PER_JOB = 8;

/** The idle gate's rule in words, from its defaults. */
function gateRule(): string {
  const { idleAbove, idleBelow, intervalMs, window } = IDLE_GATE_DEFAULTS;
  return `one more per ${intervalMs} ms while more than ${idleAbove * 100}% idle over the last ${(window * intervalMs) / 1000} s, one fewer while less than ${idleBelow * 100}%`;
}

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;

interface RunOptions extends RunSelectionOptions {
  server?: string;
  implementation?: string;
  authTokenFile?: string;
  feature?: string[];
  fixtures?: string[];
  filter?: string[];
  tag?: string[];
  jobs?: number;
  maxJobs?: number;
  timeoutMultiplier: number;
  repeat: number;
  updateBaseline?: boolean;
  strict?: boolean;
  keepWorkspace?: boolean;
  verbose?: boolean;
  color?: boolean;
  properties?: boolean;
  seed?: number;
  regressions?: string | boolean;
  timings?: boolean;
}

/** A selection that runs nothing is a mistake (a typo in --filter/--tag, an empty folder), not a pass. */
function checkSelection(sel: Selection, opts: RunOptions, dirs: string[], total: number): void {
  if (sel.selected.length > 0) return;
  const where = dirs.join(", ");
  if (total === 0) throw new SetupError(`no fixtures found in ${where}`);
  if (sel.skipped.length === 0) {
    const how = [...(opts.filter ?? []).map((f) => `--filter ${f}`), ...(opts.tag ?? []).map((t) => `--tag ${t}`)].join(" ");
    throw new SetupError(`no fixture matches ${how} (${total} fixtures in ${where}; see \`app-server-conformance list\`)`);
  }
  throw new SetupError(`nothing to run: all ${sel.skipped.length} selected fixtures need features the implementation does not claim (${sel.skipped[0]!.reason})`);
}

function updateBaseline(impl: Implementation, report: SuiteReport, corpusIds: ReadonlySet<string> | undefined): SuiteReport {
  const runs = report.fixtures.filter((f) => f.runs.length).map((f) => f.runs.find((r) => r.status !== "pass") ?? f.runs[0]!);
  const change = updateBaselineFile(impl.baselineFile!, runs, impl.name, corpusIds);
  const todo = change.added.length ? ` (give them a reason: \`app-server-conformance lint\` flags TODO)` : "";
  process.stderr.write(
    `updated ${impl.baselineFile}: ${change.added.length} added${todo}, ${change.removed.length} removed, ${change.updated.length} updated, ${change.kept} kept, ${change.untouched} not in this run\n`,
  );
  return rejudge(report, loadBaselineFile(impl.baselineFile!), corpusIds === undefined);
}

/** The corpus read and the run's selection made (filters, features, shard, --last-failed). */
function selectRun(opts: RunOptions, impl: Implementation) {
  const dirs = fixtureDirs(opts.fixtures);
  const { fixtures, problems } = loadFixtures(dirs);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    throw new SetupError(`${problems.length} fixture(s) could not be loaded (run \`app-server-conformance lint\`)`);
  }
  const chosen = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: opts.tag ?? [], features: impl.features });
  // A filter that matches nothing is a mistake; --last-failed or --shard leaving nothing to run is not.
  checkSelection(chosen, opts, dirs, fixtures.length);
  if (opts.updateBaseline && !impl.baselineFile) throw new SetupError("--update-baseline needs a descriptor whose baseline is a file path");
  return { fixtures, ...narrowSelection(chosen, opts, impl.name, (line) => process.stderr.write(`${line}\n`)) };
}

async function runAction(opts: RunOptions, reporters: ReporterSpec[]): Promise<void> {
  const impl = implementationFromOptions(opts);
  const mult = opts.timeoutMultiplier * impl.timeoutMultiplier;
  const probe = probeArgv();
  // The preflight's server is spawned here, before the fixtures are read: it starts on one
  // core while the kit parses the corpus on the other (about a tenth of a second, at a
  // run's start, when nothing else runs). Its verdict is awaited before any fixture runs.
  const preflighted = preflight(impl, probe, mult).then(
    () => undefined,
    (e: unknown) => e,
  );
  let selected: ReturnType<typeof selectRun>;
  try {
    selected = selectRun(opts, impl);
  } catch (e) {
    // A usage or corpus problem wins; the preflight's server is stopped first.
    await preflighted;
    throw e;
  }
  const setupProblem = await preflighted;
  if (setupProblem !== undefined) throw setupProblem;
  const { fixtures, selection, whole, shard, maxFailures, durations } = selected;
  const specs = reporters.length ? reporters : [{ name: "pretty" as const }];
  const livePretty = specs.some((r) => r.name === "pretty" && !r.out);
  // Without --jobs, more fixtures run at once while the CPU is idle (runner/idle-gate.ts).
  const jobs = opts.jobs ?? defaultJobs();
  const maxJobs = opts.maxJobs ?? (opts.jobs === undefined ? AUTO_MAX_JOBS_PER_JOB * jobs : jobs);
  let report = await runSuite(
    impl,
    selection,
    {
      jobs,
      maxJobs,
      repeat: opts.repeat,
      timeoutMultiplier: opts.timeoutMultiplier,
      strict: Boolean(opts.strict),
      filter: opts.filter ?? [],
      tags: opts.tag ?? [],
      probe,
      keepWorkspace: Boolean(opts.keepWorkspace),
      ...(maxFailures !== undefined ? { maxFailures } : {}),
      ...(durations !== undefined ? { durations } : {}),
    },
    livePretty
      ? prettyProgress({ write: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true, color: useColor(process.stderr, opts.color), verbose: Boolean(opts.verbose) })
      : {},
  );
  if (opts.updateBaseline) report = updateBaseline(impl, report, selection.partial ? undefined : new Set(fixtures.map((f) => f.fixture.id)));
  // A full run against a server the kit starts also runs the property-based tests, on a
  // modest budget; `properties` runs them alone with more control. fast-check loads only here.
  // A split run runs them once, in its first shard; a run that stopped early skips them.
  if (shard) report = { ...judgeAgainstWholeSelection(report, impl.baseline, whole), shard };
  if (opts.properties !== false && !selection.partial && !opts.updateBaseline && impl.connect === undefined && (shard?.index ?? 1) === 1 && !report.stoppedEarly) {
    const { runProperties } = await import("../properties/run.ts");
    const properties = await runProperties({
      implementation: impl,
      ...RUN_DEFAULTS,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      regressionsDir: typeof opts.regressions === "string" ? opts.regressions : null,
      log: livePretty ? (line) => process.stderr.write(`${line}\n`) : undefined,
    });
    report = { ...report, properties, ok: report.ok && properties.ok };
  }
  writeReports(specs, report, opts);
  if (opts.timings) process.stderr.write(formatTimings(report));
  process.exitCode = report.ok ? EXIT_OK : EXIT_FAIL;
}

export function runCommand(): Command {
  const cmd = new Command("run")
    .showHelpAfterError("(add --help for the options)")
    .description(
      "Run fixtures against a server: a fresh process per fixture, in a fresh temporary workspace with a scrubbed environment (or, with --server ws://… / unix://…, a fresh connection per fixture to a server that is already running). Exit status: 0 pass, 1 conformance failures, 2 usage or setup errors.",
    )
    .option("--server <command line>", "the server's command line (split like a shell would, no shell features; the program is looked up in ./node_modules/.bin and PATH), or ws://127.0.0.1:PORT / unix:///path.sock to connect to a running server")
    .option("--auth-token-file <file>", "with --server ws://… or unix://…: send the token in this file (trimmed) as Authorization: Bearer")
    .option("--implementation <file|name>", "an implementation descriptor (.jsonc), or a bundled one by name: reference, codex")
    .option("--fixtures <dir>", FIXTURES_HELP, collect)
    .option("--filter <glob>", "only fixture ids matching this glob; '!glob' excludes (repeatable)", collect)
    .option("--tag <tag>", "only fixtures with this tag (repeatable)", collect)
    .option("--feature <feature>", "claimed optional feature, overriding the descriptor (repeatable; see `list --features`)", collect)
    .option("--jobs <n>", `fixtures run in parallel whatever the load (default: the number of cores, ${defaultJobs()} here)`, positiveInt)
    .option("--max-jobs <n>", `up to this many while the machine's CPU is idle (${gateRule()}) (default: ${AUTO_MAX_JOBS_PER_JOB} × --jobs without --jobs, else --jobs)`, positiveInt)
    .option("--timeout-multiplier <x>", "scale every timeout (slow machines, sanitizers)", positiveNumber, 1);
  const reporters = reporterOptions(cmd);
  addSelectionOptions(cmd);
  return cmd
    .option("--repeat <n>", "run each fixture n times; differing outcomes are reported as flaky", positiveInt, 1)
    .option("--update-baseline", "edit the implementation's baseline file from this run (only the fixtures run; comments and reasons are kept)")
    .option("--strict", "treat failing recommended/optional fixtures as failures")
    .option("--keep-workspace", "do not delete the temporary workspaces")
    .option("--verbose", "list every fixture and show transcripts of warnings")
    .option("--no-color", "no ANSI colors (also NO_COLOR=1; FORCE_COLOR=1 forces them)")
    .option("--no-properties", "skip the property-based tests that follow a full run (see `properties --help`)")
    .option("--seed <seed>", "the properties' fast-check seed (default: random, printed)", seedValue)
    .option("--regressions <dir>", "write each shrunk property failure as a fixture into this folder (default: nowhere)")
    .option("--no-regressions", "write no regression fixtures (the default)")
    .option("--timings", "after the run, print on stderr where the time went: per phase (setup, spawn, handshake, steps, quiet waits, leftover scan, teardown, cleanup) and the slowest fixtures; the JSON report has each run's timings")
    .action(async (opts: RunOptions) => runAction(opts, reporters));
}
