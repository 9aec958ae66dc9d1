// `app-server-conformance merge-reports <json...>`: one report from the JSON run reports of
// a split run (`run --shard i/n`), in any reporter, with the exit status the single run
// would have had: 0 pass, 1 conformance failures, 2 bad input (unreadable, not a run
// report, reports of different implementations or report versions, missing or
// overlapping shards).
import process from "node:process";
import { Command } from "commander";
import { reporterOptions, writeReports } from "./reporter-options.ts";
import { mergeRunReports } from "../report/merge.ts";
import { readRunReport } from "../report/run-report.ts";

export function mergeReportsCommand(): Command {
  const cmd = new Command("merge-reports")
    .showHelpAfterError("(add --help for the options)")
    .description(
      "Merge the JSON run reports of a split run (`run --shard i/n --reporter json --out FILE` on n machines) into one report, as if one run had run them all. Every shard must be there once. Exit status: 0 pass, 1 conformance failures, 2 unreadable or mismatched reports (different implementations, report versions, baselines, --strict or --repeat; a missing or repeated shard; a fixture in two reports).",
    )
    .argument("<report.json...>", "the JSON run reports (one per shard)")
    .option("--verbose", "list every fixture and show transcripts of warnings")
    .option("--no-color", "no ANSI colors (also NO_COLOR=1; FORCE_COLOR=1 forces them)");
  const reporters = reporterOptions(cmd);
  cmd.addHelpText("after", "\nWith no --reporter, prints the pretty summary. Example (GitHub Actions):\n  merge-reports shard-*.json --reporter markdown --out \"$GITHUB_STEP_SUMMARY\" --reporter pretty");
  return cmd.action((files: string[], opts: { verbose?: boolean; color?: boolean }) => {
    const merged = mergeRunReports(files.map((file) => ({ source: file, report: readRunReport(file) })));
    writeReports(reporters.length ? reporters : [{ name: "pretty" }], merged, opts);
    process.exitCode = merged.ok ? 0 : 1;
  });
}
