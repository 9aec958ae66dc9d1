// The command-line program (commander); main.ts runs it.
import { collect, positiveInt, positiveNumber } from "./arg-parsers.ts";
import { propertiesCommand, renderReport as renderPropertiesReport } from "../properties/command.ts";
import { RUN_DEFAULTS, runProperties } from "../properties/run.ts";
import { benchCommand } from "../bench/command.ts";
import { reliabilityCommand } from "../reliability/command.ts";
import { createSchemaCommand } from "../compat/command.ts";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { Command, InvalidArgumentError, Option } from "commander";
import { serializeBaseline, updatedBaseline } from "../baseline.ts";
import { fixtureJsonSchema, requiredFeatures } from "../fixture/format.ts";
import { loadFixtures } from "../fixture/load.ts";
import { implementationFromOptions, implementationJsonSchema, type Implementation } from "../implementation.ts";
import { lintCorpus } from "../lint.ts";
import { packageRoot, probeArgv } from "../probe-path.ts";
import { renderJson } from "../reporters/json.ts";
import { renderJunit } from "../reporters/junit.ts";
import { renderMarkdown } from "../reporters/markdown.ts";
import { prettyProgress, renderPretty } from "../reporters/pretty.ts";
import { renderTap } from "../reporters/tap.ts";
import { transcriptText } from "../reporters/common.ts";
import { KIT_VERSION } from "../run-fixture.ts";
import { probeServer } from "../probe-server.ts";
import { defaultJobs, runSuite, selectFixtures, type SuiteReport } from "../suite.ts";

const REPORTERS = ["pretty", "json", "junit", "tap", "markdown"] as const;
type ReporterName = (typeof REPORTERS)[number];
interface ReporterSpec {
  name: ReporterName;
  out?: string;
}

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;




function defaultFixturesDir(): string {
  return join(packageRoot(), "fixtures");
}

function render(name: ReporterName, report: SuiteReport, color: boolean, verbose: boolean): string {
  switch (name) {
    case "pretty":
      return renderPretty(report, { color, verbose });
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report);
    case "tap":
      return renderTap(report);
    case "markdown":
      return renderMarkdown(report);
  }
}

function checkServerStarts(impl: Implementation): void {
  if (impl.connect !== undefined) return; // an already running server
  const program = impl.argv[0]!;
  if (program.includes("/") && !existsSync(program)) {
    const hint = impl.setupHint ? `\n${impl.setupHint}` : "";
    throw new Error(`the server program ${program} does not exist${hint}`);
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("app-server-conformance")
    .description("Conformance kit for the process-execution surface of the Codex app-server protocol (JSON-RPC lines over stdio, or text frames over a WebSocket / Unix socket).")
    .version(KIT_VERSION)
    .showHelpAfterError();

  const reporters: ReporterSpec[] = [];
  program
    .command("run")
    .description(
      "Run fixtures against a server: a fresh process per fixture, in a fresh temporary workspace with a scrubbed environment (or, with --server ws://… / unix://…, a fresh connection per fixture to a server that is already running).",
    )
    .option("--server <command line>", "the server's command line (split like a shell would, no shell features), or ws://127.0.0.1:PORT / unix:///path.sock to connect to a running server")
    .option("--auth-token-file <file>", "with --server ws://… or unix://…: send the token in this file (trimmed) as Authorization: Bearer")
    .option("--implementation <file>", "an implementation descriptor (fixtures/implementations/<name>.jsonc)")
    .option("--fixtures <dir>", "the fixture directory", defaultFixturesDir())
    .option("--filter <glob>", "only fixture ids matching this glob (repeatable)", collect)
    .option("--tag <tag>", "only fixtures with this tag (repeatable)", collect)
    .option("--feature <feature>", "claimed optional feature, overriding the descriptor (repeatable)", collect)
    .option("--jobs <n>", "fixtures run in parallel", positiveInt, defaultJobs())
    .option("--timeout-multiplier <x>", "scale every timeout (slow machines, sanitizers)", positiveNumber, 1)
    .addOption(
      new Option("--reporter <name>", `a reporter: ${REPORTERS.join(", ")} (repeatable; each may be followed by --out)`).argParser((v: string) => {
        if (!(REPORTERS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of ${REPORTERS.join(", ")}`);
        reporters.push({ name: v as ReporterName });
        return v;
      }),
    )
    .addOption(
      new Option("--out <file>", "write the preceding --reporter to this file instead of stdout").argParser((v: string) => {
        const last = reporters[reporters.length - 1];
        if (!last) throw new InvalidArgumentError("--out must follow a --reporter");
        last.out = v;
        return v;
      }),
    )
    .option("--repeat <n>", "run each fixture n times; differing outcomes are reported as flaky", positiveInt, 1)
    .option("--update-baseline", "rewrite the implementation's baseline file from this (full) run")
    .option("--strict", "treat failing recommended/optional fixtures as failures")
    .option("--keep-workspace", "do not delete the temporary workspaces")
    .option("--verbose", "list every fixture and show transcripts of warnings")
    .option("--no-color", "no ANSI colors")
    .option("--no-properties", "skip the property-based tests that follow a full run (see `properties --help`)")
    .action(async (opts) => {
      const impl = implementationFromOptions(opts);
      checkServerStarts(impl);
      const { fixtures, problems } = loadFixtures(resolve(opts.fixtures));
      if (problems.length) {
        for (const p of problems) process.stderr.write(`${p.file}: ${p.message}\n`);
        throw new Error(`${problems.length} fixture(s) could not be loaded (run \`app-server-conformance lint\`)`);
      }
      const selection = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: opts.tag ?? [], features: impl.features });
      if (opts.updateBaseline && selection.partial) throw new Error("--update-baseline needs a full run (no --filter or --tag)");
      if (opts.updateBaseline && !impl.baselineFile) throw new Error("--update-baseline needs a descriptor whose baseline is a file path");
      const specs = reporters.length ? reporters : [{ name: "pretty" as const }];
      const color = opts.color !== false && process.stdout.isTTY === true;
      const livePretty = specs.some((r) => r.name === "pretty" && !r.out);
      const report = await runSuite(
        impl,
        selection,
        {
          jobs: opts.jobs,
          repeat: opts.repeat,
          timeoutMultiplier: opts.timeoutMultiplier,
          strict: Boolean(opts.strict),
          filter: opts.filter ?? [],
          tags: opts.tag ?? [],
          probe: probeArgv(),
          keepWorkspace: Boolean(opts.keepWorkspace),
        },
        livePretty
          ? prettyProgress({ write: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true, color, verbose: Boolean(opts.verbose) })
          : {},
      );
      for (const spec of specs) {
        const text = render(spec.name, report, spec.out ? false : color, Boolean(opts.verbose));
        if (spec.out) {
          mkdirSync(dirname(resolve(spec.out)), { recursive: true });
          writeFileSync(spec.out, text);
        } else process.stdout.write(text);
      }
      if (opts.updateBaseline) {
        const runs = report.fixtures.filter((f) => f.runs.length).map((f) => f.runs.find((r) => r.status !== "pass") ?? f.runs[0]!);
        const entries = updatedBaseline(runs, impl.baseline);
        writeFileSync(impl.baselineFile!, serializeBaseline(entries, impl.name));
        process.stderr.write(`wrote ${entries.length} baseline entries to ${impl.baselineFile}\n`);
        return;
      }
      // A full run against a server the kit starts also runs the property-based tests, on a
      // modest budget; `properties` runs them alone with more control.
      let propertiesOk = true;
      if (opts.properties !== false && !selection.partial && !opts.updateBaseline && impl.connect === undefined) {
        const properties = await runProperties({ implementation: impl, ...RUN_DEFAULTS, log: (line) => process.stderr.write(`${line}\n`) });
        process.stdout.write(`${renderPropertiesReport(properties)}\n`);
        propertiesOk = properties.ok;
      }
      process.exitCode = report.ok && propertiesOk ? EXIT_OK : EXIT_FAIL;
    });

  program
    .command("list")
    .description("List fixtures (id, obligation, required features, title).")
    .option("--fixtures <dir>", "the fixture directory", defaultFixturesDir())
    .option("--filter <glob>", "only fixture ids matching this glob (repeatable)", collect)
    .option("--tag <tag>", "only fixtures with this tag (repeatable)", collect)
    .option("--json", "print JSON")
    .action((opts) => {
      const { fixtures, problems } = loadFixtures(resolve(opts.fixtures));
      for (const p of problems) process.stderr.write(`${p.file}: ${p.message}\n`);
      const sel = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: opts.tag ?? [], features: ["*"] });
      const all = [...sel.selected, ...sel.skipped.map((s) => s.loaded)].sort((a, b) => a.fixture.id.localeCompare(b.fixture.id));
      if (opts.json) {
        const rows = all.map(({ file, fixture: f }) => ({ id: f.id, file, title: f.title, obligation: f.obligation, tags: f.tags, spec: f.spec }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const { fixture: f } of all) {
          const feats = requiredFeatures(f);
          process.stdout.write(`${f.id.padEnd(52)} ${f.obligation.padEnd(11)} ${feats.length ? `[${feats.join(",")}] ` : ""}${f.title}\n`);
        }
        process.stdout.write(`${all.length} fixtures\n`);
      }
      if (problems.length) process.exitCode = EXIT_FAIL;
    });

  program
    .command("lint")
    .description("Check fixtures: well-formed, unique ids, every message valid against the schema, known matchers and variables.")
    .option("--fixtures <dir>", "the fixture directory", defaultFixturesDir())
    .action((opts) => {
      const dir = resolve(opts.fixtures);
      const { count, problems } = lintCorpus(dir, join(dir, "fixture.schema.json"));
      for (const p of problems) process.stdout.write(`${p.file}: ${p.message}\n`);
      process.stdout.write(`${count} fixtures, ${problems.length} problem(s)\n`);
      process.exitCode = problems.length ? EXIT_FAIL : EXIT_OK;
    });

  program
    .command("probe")
    .description("Send one request to a server and print the transcript (handy to explore a server).")
    .option("--server <command line>", "the server's command line, or ws://127.0.0.1:PORT / unix:///path.sock to connect to a running server")
    .option("--auth-token-file <file>", "with --server ws://… or unix://…: send the token in this file (trimmed) as Authorization: Bearer")
    .option("--implementation <file>", "an implementation descriptor")
    .requiredOption("--method <method>", "the request method")
    .option("--params <json>", "the request params (JSON; ${probe} and ${workspace} expand)", "{}")
    .option("--no-params", "send the request without params")
    .option("--experimental", "initialize with capabilities.experimentalApi: true")
    .option("--no-handshake", "do not initialize first")
    .option("--wait <ms>", "keep listening this long after the response", positiveInt, 500)
    .option("--timeout <ms>", "give up waiting for the response after this long", positiveInt, 10_000)
    .action(async (opts) => {
      const impl = implementationFromOptions(opts);
      checkServerStarts(impl);
      const params = opts.params === false ? undefined : (JSON.parse(opts.params as string) as unknown);
      const result = await probeServer({
        server: {
          argv: impl.argv,
          env: impl.env,
          ...(impl.launch !== undefined ? { launch: impl.launch } : {}),
          ...(impl.connect !== undefined ? { connect: impl.connect } : {}),
        },
        method: opts.method,
        params,
        experimental: Boolean(opts.experimental),
        handshake: opts.handshake !== false,
        waitMs: opts.wait,
        timeoutMs: opts.timeout,
        probe: probeArgv(),
      });
      process.stdout.write(`${transcriptText(result.transcript, 10_000)}\n`);
      process.exitCode = result.answered ? EXIT_OK : EXIT_FAIL;
    });

  program
    .command("fixture-schema")
    .description("Write or check fixtures/fixture.schema.json and fixtures/implementation.schema.json (generated from the zod formats).")
    .option("--fixtures <dir>", "the fixture directory", defaultFixturesDir())
    .option("--write", "write the files")
    .option("--check", "fail when a file is out of date")
    .action((opts) => {
      const dir = resolve(opts.fixtures);
      const files = [
        { file: join(dir, "fixture.schema.json"), text: `${JSON.stringify(fixtureJsonSchema(), null, 2)}\n` },
        { file: join(dir, "implementation.schema.json"), text: `${JSON.stringify(implementationJsonSchema(), null, 2)}\n` },
      ];
      if (opts.write) {
        for (const f of files) {
          writeFileSync(f.file, f.text);
          process.stdout.write(`wrote ${f.file}\n`);
        }
      } else if (opts.check) {
        const stale = files.filter((f) => !existsSync(f.file) || readFileSync(f.file, "utf8") !== f.text);
        for (const f of stale) process.stdout.write(`${f.file} is out of date: run with --write\n`);
        if (!stale.length) process.stdout.write("schemas are up to date\n");
        process.exitCode = stale.length ? EXIT_FAIL : EXIT_OK;
      } else process.stdout.write(files[0]!.text);
    });

  program
    .command("install-codex")
    .description("Install the Codex oracle (npm package @openai/codex) into a cache directory unless it is already there.")
    .option("--codex-version <version>", "the Codex version", "0.169.0")
    .option("--dir <dir>", "the install directory", process.env.CODEX_ORACLE_DIR ?? join(homedir(), ".cache", "codex-oracle"))
    .option("--home <dir>", "the CODEX_HOME to create for it", process.env.CODEX_ORACLE_HOME ?? join(homedir(), ".codex-oracle-home"))
    .action((opts) => {
      const bin = join(opts.dir, "node_modules", ".bin", "codex");
      mkdirSync(opts.home, { recursive: true });
      if (existsSync(bin)) {
        const v = spawnSync(bin, ["--version"], { encoding: "utf8" });
        if (v.status === 0 && v.stdout.includes(opts.codexVersion)) {
          process.stdout.write(`Codex ${opts.codexVersion} is installed at ${bin}\n`);
          return;
        }
      }
      mkdirSync(opts.dir, { recursive: true });
      process.stdout.write(`installing @openai/codex@${opts.codexVersion} into ${opts.dir}…\n`);
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--prefix", opts.dir, `@openai/codex@${opts.codexVersion}`], { stdio: "inherit" });
      if (r.status !== 0) throw new Error(`npm install failed (exit ${r.status})`);
      process.stdout.write(`installed ${bin}\n`);
    });

  // The schema compatibility gate and the benchmarks live in their own modules.
  program.addCommand(propertiesCommand());
  program.addCommand(createSchemaCommand());
  program.addCommand(benchCommand());
  program.addCommand(reliabilityCommand());

  return program;
}

