// The options of `run` that narrow what runs, after --filter/--tag/features chose the
// fixtures: --last-failed (a previous report's failures), --shard (this machine's part),
// and the stop condition --bail / --max-failures. Each is a plain step on the selection,
// so the scheduler only learns "stop after n failures" (and, with --durations, how long
// each fixture took last time, to start the longest first).
import { type Command, Option } from "commander";
import { positiveInt } from "./arg-parsers.ts";
import { SetupError } from "../descriptor/implementation.ts";
import { readRunReport } from "../report/run-report.ts";
import { lastFailedIds, selectLastFailed } from "../runner/last-failed.ts";
import { durationsFrom, parseShard, shardSelection, type Shard } from "../runner/shard.ts";
import type { Selection } from "../runner/suite.ts";

export interface RunSelectionOptions {
  shard?: Shard;
  durations?: string;
  bail?: number | true;
  maxFailures?: number;
  lastFailed?: string;
  updateBaseline?: boolean;
}

export function addSelectionOptions(cmd: Command): Command {
  return cmd
    .option("--last-failed <report.json>", "rerun only what failed in that JSON run report (failed, errors, flaky, stale, and what a --bail run did not reach); nothing to rerun exits 0")
    .addOption(
      new Option("--shard <i>/<n>", "run only part i of n of the selection (1-based; for n CI machines): every fixture is in exactly one part (a full run's property tests run in part 1); join the parts' JSON reports with merge-reports").argParser(
        parseShard,
      ),
    )
    .option("--durations <report.json>", "the fixture durations in this JSON run report start the longest fixtures first (default: those that declare the longest quiet waits first), and balance --shard parts (default: by count)")
    .addOption(
      new Option("--bail [n]", "stop starting fixtures after n failures (default 1; fixtures already running finish); the summary says how many did not run").argParser((v: string) => {
        if (v === undefined) return true;
        return positiveInt(v);
      }),
    )
    .option("--max-failures <n>", "the same as --bail <n>", positiveInt);
}

function bailOf(opts: RunSelectionOptions): number | undefined {
  const bail = opts.bail === true ? 1 : opts.bail;
  if (bail !== undefined && opts.maxFailures !== undefined && bail !== opts.maxFailures) {
    throw new SetupError(`--bail ${bail} and --max-failures ${opts.maxFailures} disagree: give one`);
  }
  return bail ?? opts.maxFailures;
}

export function narrowSelection(
  chosen: Selection,
  opts: RunSelectionOptions,
  implementation: string,
  log: (line: string) => void,
): { selection: Selection; whole: Selection; shard?: Shard; maxFailures?: number; durations?: ReadonlyMap<string, number> } {
  let selection = chosen;
  const maxFailures = bailOf(opts);
  if (opts.lastFailed) {
    const previous = readRunReport(opts.lastFailed);
    if (previous.implementation !== implementation) {
      throw new SetupError(`--last-failed ${opts.lastFailed} is a report on ${previous.implementation}, not ${implementation}`);
    }
    const ids = lastFailedIds(previous);
    const { selection: rerun, gone } = selectLastFailed(selection, ids);
    if (gone.length) log(`--last-failed: ${gone.length} of its fixtures are not in this selection (renamed, removed or filtered out): ${gone.join(", ")}`);
    log(`--last-failed: rerunning ${rerun.selected.length} fixture${rerun.selected.length === 1 ? "" : "s"} that failed in ${opts.lastFailed}`);
    selection = rerun;
  }
  const whole = selection;
  const durations = opts.durations ? durationsFrom(readRunReport(opts.durations)) : undefined;
  const known = { ...(maxFailures !== undefined ? { maxFailures } : {}), ...(durations !== undefined ? { durations } : {}) };
  if (!opts.shard) return { selection, whole, ...known };
  if (opts.updateBaseline) throw new SetupError("--update-baseline edits the baseline from one whole run: not with --shard");
  selection = shardSelection(selection, opts.shard, durations);
  if (!selection.selected.length) log(`shard ${opts.shard.index}/${opts.shard.count}: no fixture falls in this part (fewer fixtures than shards)`);
  return { selection, whole, shard: opts.shard, ...known };
}
