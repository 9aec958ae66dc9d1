// `app-server-conformance mutants`: how much does the corpus really check on this server?
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { Command, InvalidArgumentError, Option } from "commander";
import picomatch from "picomatch";
import { collect, positiveInt, positiveNumber, seedValue } from "../cli/arg-parsers.ts";
import { loadFixtures } from "../fixture/load.ts";
import { implementationFromOptions } from "../descriptor/implementation.ts";
import { packageRoot, probeArgv } from "../probe/probe-path.ts";
import { drawSeed } from "../properties/report.ts";
import { selectFixtures } from "../runner/suite.ts";
import { AREAS, CATALOGUE, type Mutation } from "./catalogue.ts";
import { renderMutantsJson, renderMutantsMarkdown, renderMutantsText } from "./render.ts";
import { runMutants } from "./run.ts";

const REPORTERS = ["pretty", "json", "markdown"] as const;

function percent(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 100)) throw new InvalidArgumentError("expected a percentage from 0 to 100");
  return n;
}

function equivalentEntry(v: string, prev: string[] = []): string[] {
  if (!/^[a-z0-9-]+=.+/.test(v)) throw new InvalidArgumentError("expected <mutation id>=<reason>");
  return [...prev, v];
}

/** The mutations chosen by --mutation globs and --area names (all by default). */
export function chooseMutations(globs: string[], areas: string[]): Mutation[] {
  for (const a of areas) if (!(AREAS as readonly string[]).includes(a)) throw new Error(`unknown area ${JSON.stringify(a)}: one of ${AREAS.join(", ")}`);
  const match = globs.length ? picomatch(globs) : () => true;
  const chosen = CATALOGUE.filter((m) => match(m.id) && (areas.length === 0 || areas.includes(m.area)));
  if (chosen.length === 0) throw new Error(`no mutation matches ${[...globs, ...areas].join(", ")} (see mutants --list)`);
  return chosen;
}

export function mutantsCommand(): Command {
  return new Command("mutants")
    .description(
      "Mutation testing of the corpus on your server: run it through a proxy that breaks one behaviour at a time (a catalogue of mutations of responses and requests), and report which mutants some fixture or property caught (killed), which it missed (survived), and the score per area. A stdio server only.",
    )
    .option("--server <command line>", "the server's command line (stdio)")
    .option("--implementation <file>", "an implementation descriptor (its features, env and timeout multiplier apply)")
    .option("--feature <feature>", "claimed optional feature, overriding the descriptor (repeatable)", collect)
    .option("--fixtures <dir>", "the fixture directory", join(packageRoot(), "fixtures"))
    .option("--filter <glob>", "only fixtures with ids matching this glob (repeatable)", collect)
    .option("--mutation <glob>", "only mutations with ids matching this glob (repeatable; see --list)", collect)
    .option("--area <area>", `only mutations of this area (repeatable): ${AREAS.join(", ")}`, collect)
    .option("--quick", "try only each mutation's hinted fixtures, no properties (fast; a survivor may still be killed by the full corpus)")
    .option("--no-properties", "do not run the property-based tests against a mutant that survived the corpus")
    .option("--seed <seed>", "the properties' fast-check seed, one for the whole run (default: random, printed in the report)", seedValue)
    .option("--equivalent <id=reason>", "declare a mutation equivalent on this server (not counted; repeatable)", equivalentEntry)
    .option("--min-score <percent>", "exit 1 when the score is below this", percent, 0)
    .option("--jobs <n>", "fixtures run in parallel", positiveInt, 2)
    .option("--timeout-multiplier <x>", "scale every timeout", positiveNumber, 1)
    .addOption(new Option("--reporter <name>", "pretty, json or markdown").choices(REPORTERS).default("pretty"))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--list", "print the catalogue (id, area, description) and exit")
    .addHelpText(
      "after",
      `
Exit status: 0 when the score is at least --min-score, 1 when below, 2 on a usage or setup error.
Progress goes to stderr; the report to stdout (or --out). Without --quick, a mutant that
survives the corpus then faces the property-based tests that \`run\` runs (same budget), and the
first property that fails kills it. See docs/mutants.md.

Examples:
  app-server-conformance mutants --server "python3 my_server.py" --quick
  app-server-conformance mutants --implementation fixtures/implementations/reference.jsonc --min-score 95`,
    )
    .action(async (opts) => {
      if (opts.list) {
        const rows = CATALOGUE.map((m) => `${m.id.padEnd(36)} ${m.area.padEnd(24)} ${m.description}`);
        process.stdout.write(`${rows.join("\n")}\n${CATALOGUE.length} mutations\n`);
        return;
      }
      if (opts.seed !== undefined && (opts.quick || opts.properties === false)) throw new Error("--seed is the properties' seed: --quick and --no-properties run none");
      const impl = implementationFromOptions(opts);
      if (impl.connect !== undefined || impl.launch !== undefined) throw new Error("mutants wraps a stdio server: give its command line or a stdio descriptor");
      const mutations = chooseMutations(opts.mutation ?? [], opts.area ?? []);
      const { fixtures, problems } = loadFixtures(resolve(opts.fixtures));
      if (problems.length) throw new Error(`${problems.length} fixture(s) could not be loaded (run \`app-server-conformance lint\`)`);
      const selection = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: [], features: impl.features });
      if (selection.selected.length === 0) throw new Error("no fixture selected (check --filter and the claimed features)");
      const equivalent = new Map<string, string>((opts.equivalent ?? []).map((e: string) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] as [string, string]));
      for (const id of equivalent.keys()) if (!CATALOGUE.some((m) => m.id === id)) throw new Error(`--equivalent names an unknown mutation ${JSON.stringify(id)}`);
      const report = await runMutants({
        implementation: impl,
        fixtures: selection.selected,
        mutations,
        equivalent,
        jobs: opts.jobs,
        timeoutMultiplier: opts.timeoutMultiplier,
        probe: probeArgv(),
        quick: Boolean(opts.quick),
        ...(opts.quick || opts.properties === false ? {} : { propertiesSeed: opts.seed ?? drawSeed() }),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const text = opts.reporter === "json" ? renderMutantsJson(report) : opts.reporter === "markdown" ? renderMutantsMarkdown(report) : renderMutantsText(report);
      if (opts.out) {
        mkdirSync(dirname(resolve(opts.out)), { recursive: true });
        writeFileSync(opts.out, text);
      } else process.stdout.write(text);
      process.exitCode = (report.score ?? 0) < opts.minScore ? 1 : 0;
    });
}
