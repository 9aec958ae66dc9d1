// The command-line program (commander); main.ts runs it.
import { collect, positiveInt, positiveNumber } from "./arg-parsers.ts";
import { propertiesCommand } from "../properties/command.ts";
import { runCommand } from "./run-command.ts";
import { mergeReportsCommand } from "./merge-reports-command.ts";
import { fixtureDirs, FIXTURES_HELP, kitFixturesDir } from "./fixture-dirs.ts";
import { benchCommand } from "../bench/command.ts";
import { reliabilityCommand } from "../reliability/command.ts";
import { createSchemaCommand } from "../compat/command.ts";
import { mutantsCommand } from "../mutants/command.ts";
import { reportCommand } from "../report/command.ts";
import { matrixCommand } from "../matrix/command.ts";
import { differentialCommand } from "../differential/command.ts";
import { recordCommand } from "../record/command.ts";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { Command, InvalidArgumentError, Option } from "commander";
import { serializeBaseline, updatedBaseline } from "../baseline/baseline.ts";
import { FEATURE_TAGS, fixtureJsonSchema } from "../fixture/format.ts";
import { FEATURE_DESCRIPTIONS, requiredFeatures } from "../fixture/features.ts";
import { formatProblem, loadFixtures } from "../fixture/load.ts";
import { implementationFromOptions, implementationJsonSchema, SetupError } from "../descriptor/implementation.ts";
import { lintCorpus } from "../lint/lint.ts";
import { packageRoot, probeArgv } from "../probe/probe-path.ts";
import { renderJson } from "../reporters/json.ts";
import { renderJunit } from "../reporters/junit.ts";
import { renderMarkdown } from "../reporters/markdown.ts";
import { prettyProgress, renderPretty } from "../reporters/pretty.ts";
import { renderTap } from "../reporters/tap.ts";
import { transcriptText } from "../reporters/common.ts";
import { KIT_VERSION } from "../runner/kit-info.ts";
import { probeServer } from "./probe-command.ts";
import { defaultJobs, runSuite, selectFixtures, type SuiteReport } from "../runner/suite.ts";

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("app-server-conformance")
    .description("Conformance kit for the process-execution surface of the Codex app-server protocol (JSON-RPC lines over stdio, or text frames over a WebSocket / Unix socket).")
    .version(KIT_VERSION)
    .showHelpAfterError();

  program.addCommand(runCommand());
  program.addCommand(mergeReportsCommand());

  program
    .command("list")
    .description("List fixtures (id, obligation, required features, title), or with --features the optional features a server may lack.")
    .option("--fixtures <dir>", FIXTURES_HELP, collect)
    .option("--filter <glob>", "only fixture ids matching this glob; '!glob' excludes (repeatable)", collect)
    .option("--tag <tag>", "only fixtures with this tag (repeatable)", collect)
    .option("--features", "list the optional features: what each means and how many fixtures need it")
    .option("--json", "print JSON")
    .action((opts) => {
      const { fixtures, problems } = loadFixtures(fixtureDirs(opts.fixtures));
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      const sel = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: opts.tag ?? [], features: FEATURE_TAGS });
      const all = [...sel.selected, ...sel.skipped.map((s) => s.loaded)].sort((a, b) => a.fixture.id.localeCompare(b.fixture.id));
      if (opts.features) {
        const rows = FEATURE_TAGS.map((name) => ({ name, description: FEATURE_DESCRIPTIONS[name], fixtures: all.filter((l) => requiredFeatures(l.fixture).includes(name)).length }));
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else {
          process.stdout.write(`A fixture needs a feature when it is tagged with it or sends what the feature covers; it runs only\nagainst an implementation that claims all it needs (descriptor "features", --feature). ${all.length} fixtures:\n\n`);
          for (const r of rows) process.stdout.write(`${r.name.padEnd(17)} ${String(r.fixtures).padStart(4)} fixtures  ${r.description}\n`);
          const core = all.filter((l) => requiredFeatures(l.fixture).length === 0).length;
          process.stdout.write(`${"(none)".padEnd(17)} ${String(core).padStart(4)} fixtures  need no optional feature\n`);
        }
        process.exitCode = problems.length ? EXIT_USAGE : EXIT_OK;
        return;
      }
      if (!all.length) throw new SetupError(fixtures.length ? "no fixture matches the --filter / --tag given" : "no fixtures found");
      if (opts.json) {
        const rows = all.map(({ file, fixture: f }) => ({ id: f.id, file, title: f.title, obligation: f.obligation, tags: f.tags, features: requiredFeatures(f), spec: f.spec }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const { fixture: f } of all) {
          const feats = requiredFeatures(f);
          process.stdout.write(`${f.id.padEnd(52)} ${f.obligation.padEnd(11)} ${feats.length ? `[${feats.join(",")}] ` : ""}${f.title}\n`);
        }
        process.stdout.write(`${all.length} fixtures\n`);
      }
      if (problems.length) process.exitCode = EXIT_USAGE;
    });

  program
    .command("lint")
    .description("Check fixtures: well-formed, unique ids, every message valid against the schema, known matchers and variables.")
    .option("--fixtures <dir>", FIXTURES_HELP, collect)
    .action((opts) => {
      const { count, problems } = lintCorpus(fixtureDirs(opts.fixtures));
      for (const p of problems) process.stdout.write(`${formatProblem(p)}\n`);
      process.stdout.write(`${count} fixtures, ${problems.length} problem(s)\n`);
      process.exitCode = problems.length ? EXIT_FAIL : EXIT_OK;
    });

  program
    .command("probe")
    .description("Send one request to a server and print the transcript (handy to explore a server).")
    .option("--server <command line>", "the server's command line, or ws://127.0.0.1:PORT / unix:///path.sock to connect to a running server")
    .option("--auth-token-file <file>", "with --server ws://… or unix://…: send the token in this file (trimmed) as Authorization: Bearer")
    .option("--implementation <file|name>", "an implementation descriptor (.jsonc), or a bundled one by name: reference, codex")
    .requiredOption("--method <method>", "the request method")
    .option("--params <json>", "the request params (JSON; ${probe} and ${workspace} expand)", "{}")
    .option("--no-params", "send the request without params")
    .option("--experimental", "initialize with capabilities.experimentalApi: true")
    .option("--no-handshake", "do not initialize first")
    .option("--wait <ms>", "keep listening this long after the response", positiveInt, 500)
    .option("--timeout <ms>", "give up waiting for the response after this long", positiveInt, 10_000)
    .action(async (opts) => {
      const impl = implementationFromOptions(opts);
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
    .option("--fixtures <dir>", "the kit's fixture directory", kitFixturesDir())
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
  program.addCommand(mutantsCommand());
  program.addCommand(reportCommand());
  program.addCommand(matrixCommand());
  program.addCommand(reliabilityCommand());
  program.addCommand(differentialCommand());
  program.addCommand(recordCommand());

  return program;
}

