// `--reporter <name> [--out <file>]`, repeatable, and writing the reports: shared by `run`
// and `merge-reports` so both take the same reporters the same way.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { type Command, InvalidArgumentError, Option } from "commander";
import { useColor } from "./color.ts";
import { appendsTo } from "../reporters/github.ts";
import { REPORTERS, renderReporter, type ReporterName } from "../reporters/index.ts";
import type { SuiteReport } from "../runner/suite.ts";

export interface ReporterSpec {
  name: ReporterName;
  out?: string;
}

/** Adds --reporter and --out to a command; the returned list fills as they are parsed. */
export function reporterOptions(cmd: Command): ReporterSpec[] {
  const reporters: ReporterSpec[] = [];
  cmd
    .addOption(
      new Option("--reporter <name>", `a reporter: ${REPORTERS.join(", ")} (repeatable; each may be followed by --out)`).argParser((v: string) => {
        if (!(REPORTERS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${REPORTERS.join(", ")}`);
        reporters.push({ name: v as ReporterName });
        return v;
      }),
    )
    .addOption(
      new Option("--out <file>", "write the preceding --reporter to this file instead of stdout (appended when the file is $GITHUB_STEP_SUMMARY)").argParser((v: string) => {
        const last = reporters[reporters.length - 1];
        if (!last) throw new InvalidArgumentError("--out must follow a --reporter");
        last.out = v;
        return v;
      }),
    );
  return reporters;
}

export function writeReports(specs: readonly ReporterSpec[], report: SuiteReport, opts: { color?: boolean; verbose?: boolean }): void {
  const color = useColor(process.stdout, opts.color);
  for (const spec of specs) {
    const text = renderReporter(spec.name, report, spec.out ? false : color, Boolean(opts.verbose));
    if (spec.out) {
      mkdirSync(dirname(resolve(spec.out)), { recursive: true });
      (appendsTo(spec.out) ? appendFileSync : writeFileSync)(spec.out, text);
    } else process.stdout.write(text);
  }
}
