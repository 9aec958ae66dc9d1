// `app-server-conformance differential`: generated sessions against a server and an oracle.
import { existsSync } from "node:fs";
import process from "node:process";
import { Command, InvalidArgumentError, Option } from "commander";
import { collect, positiveInt, positiveNumber, seedValue } from "../cli/arg-parsers.ts";
import { BUILTIN_IMPLEMENTATIONS, implementationFromOptions, SetupError, type Implementation } from "../descriptor/implementation.ts";
import { probeArgv } from "../probe/probe-path.ts";
import { AREAS, HarnessError, type Area } from "./areas.ts";

const REPORTERS = ["pretty", "json", "markdown"] as const;

/** A descriptor (a .jsonc/.json file or a built-in name) or a server command line. */
export function implementationArg(value: string): Implementation {
  const isDescriptor = (BUILTIN_IMPLEMENTATIONS as readonly string[]).includes(value) || (/\.jsonc?$/.test(value) && existsSync(value));
  return implementationFromOptions(isDescriptor ? { implementation: value } : { server: value });
}

function areaValue(v: string, prev: string[] = []): string[] {
  if (!(AREAS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${AREAS.join(", ")}`);
  return [...prev, v];
}

export function differentialCommand(): Command {
  return new Command("differential")
    .description(
      "Generate client sessions (fast-check), play each against --server and the --oracle (each in a fresh workspace and scrubbed environment), " +
        "and report where what a client observes differs: shrunk to the smallest session, one finding per signature (method, path, kind). " +
        "Exit 0: no undeclared divergence; 1: divergences; 2: usage or setup error. See docs/differential.md.",
    )
    .requiredOption("--server <cmd|descriptor>", "the server to judge: a command line, a descriptor .jsonc, or a built-in name (reference, codex)")
    .option("--oracle <cmd|descriptor>", "what it is compared with (default: the codex descriptor; CODEX_ORACLE_DIR / CODEX_BIN choose the release)", "codex")
    .option("--budget <seconds>", "wall-clock budget for the search, shrinking included (default 60 unless --runs is given)", positiveNumber)
    .option("--runs <n>", "at most this many generated sessions", positiveInt)
    .option("--seed <n>", "fast-check seed (default: random; printed for replay)", seedValue)
    .option("--area <name>", `only sessions of this area (repeatable): ${AREAS.join(", ")}`, areaValue)
    .option("--jobs <n>", "independent searches at once (each plays its sessions on both servers in parallel)", positiveInt, 1)
    .addOption(new Option("--reporter <name>", "output format on stdout").choices(REPORTERS).default("pretty"))
    .option("--record <dir>", "write each finding as a candidate fixture (the oracle's transcript as expectations) into <dir>")
    .option("--quiet", "no progress on stderr")
    .action(async (opts) => {
      try {
        const server = implementationArg(opts.server);
        const oracle = implementationArg(opts.oracle);
        const seed: number = opts.seed ?? (Math.random() * 2 ** 31) | 0;
        const budgetMs = opts.budget !== undefined ? opts.budget * 1000 : opts.runs !== undefined ? undefined : 60_000;
        const probe = probeArgv();
        // loaded here: fast-check stays out of the other commands' start-up
        const { runDifferential } = await import("./runner.ts");
        const { recordFindings } = await import("../record/record.ts");
        const { renderDifferentialJson, renderDifferentialMarkdown, renderDifferentialPretty } = await import("./report.ts");
        if (!opts.quiet) process.stderr.write(`differential: ${server.name} vs ${oracle.name}, seed ${seed}\n`);
        const report = await runDifferential({
          server,
          oracle,
          probe,
          areas: (opts.area ?? []) as Area[],
          seed,
          ...(opts.runs !== undefined ? { runs: opts.runs } : {}),
          ...(budgetMs !== undefined ? { budgetMs } : {}),
          jobs: opts.jobs,
          known: server.knownDifferences ?? [],
          ...(opts.quiet
            ? {}
            : {
                onProgress: (p) => {
                  const left = p.budgetMs === undefined ? "" : `, ${Math.max(0, Math.round((p.budgetMs - p.elapsedMs) / 1000))} s left`;
                  process.stderr.write(`differential: ${p.sessions} sessions, ${p.findings} finding(s)${left}${p.event ? `: ${p.event}` : ""}\n`);
                },
              }),
        });
        const recorded = opts.record ? await recordFindings(report.findings, { dir: opts.record, oracle, probe }) : new Map<string, string>();
        const render = opts.reporter === "json" ? renderDifferentialJson : opts.reporter === "markdown" ? renderDifferentialMarkdown : renderDifferentialPretty;
        process.stdout.write(render(report, recorded));
        process.exitCode = report.findings.length ? 1 : 0;
      } catch (e) {
        if (e instanceof SetupError || e instanceof HarnessError) {
          process.stderr.write(`differential: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
