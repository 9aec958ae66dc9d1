// `schema diff`, `schema check` and `schema baseline update` as functions and as a
// commander command (mounted as `app-server-conformance schema ...`; standalone: cli.ts).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { bundleFileIn, loadBundleFromPath } from "./bundle.ts";
import { BUNDLE_FILE, BundleError, type SchemaBundle } from "./model.ts";
import { codexCommand } from "./codex-command.ts";
import { lintNames } from "./lint.ts";
import { UsageError } from "./errors.ts";
import { isCodexSide, loadAnySide, loadUpstreamBundle } from "./layouts/load.ts";
import { diffBundles, sortFindings, type DiffOptions, type Finding } from "./diff.ts";
import { checkFixtureMessages, loadFixtureMessages } from "./fixtures.ts";
import { FORMATS, renderReport, type Format, type GateReport } from "./report.ts";
import { applyWaivers, loadWaivers, WaiverError } from "./waivers.ts";
import { JsoncError } from "../../../schema/src/jsonc.ts";
import { RULE_IDS, RULES } from "./rules.ts";

export const DEFAULT_SCHEMA_DIR = "schema/json";
export const DEFAULT_BASELINE_DIR = "schema/baseline";
export const DEFAULT_FIXTURES_DIR = "fixtures";
export const WAIVERS_FILE = "waivers.jsonc";
export const UPSTREAM_WAIVERS_FILE = "upstream-waivers.jsonc";

export interface GateOptions {
  /** Directory relative paths resolve against (default: process.cwd()). */
  cwd?: string;
  /** The working tree's schema folder (default schema/json). */
  schemaDir?: string;
  /** A waiver file, or false for none. */
  waivers?: string | false;
  /** The fixture corpus, or false to skip fixture evidence (default: fixtures/ if present). */
  fixtures?: string | false;
}

export interface DiffRequest extends GateOptions {
  /** A schema folder (ours or a Codex generation), variant folder, bundle file or git ref. */
  old: string;
  /** Same; default: the working tree's schema folder. */
  new?: string;
  /** The `--experimental` Codex generation belonging to `old` / `new` (when those are the stable ones). */
  experimentalOld?: string;
  experimentalNew?: string;
}

export interface UpstreamRequest extends Omit<GateOptions, "fixtures"> {
  /** The output directory of `codex app-server generate-json-schema --experimental`. */
  upstream: string;
  /** Our side (folder or git ref); default: the working tree's schema folder. */
  new?: string;
}

export { UsageError };

const cwdOf = (o: GateOptions) => o.cwd ?? process.cwd();

function loadNew(spec: string | undefined, o: GateOptions, experimental?: string): SchemaBundle {
  const cwd = cwdOf(o);
  if (spec !== undefined) return loadAnySide(experimental === undefined ? { spec, cwd } : { spec, cwd, experimental });
  if (experimental !== undefined) throw new UsageError("--experimental-new needs <new>");
  const dir = resolve(cwd, o.schemaDir ?? DEFAULT_SCHEMA_DIR);
  const b = loadBundleFromPath(dir);
  b.source = `working tree (${relative(cwd, dir) || "."})`;
  return b;
}

function relFile(file: string | undefined, cwd: string): string | undefined {
  return file === undefined ? undefined : relative(cwd, resolve(cwd, file)) || file;
}

function gate(command: string, oldB: SchemaBundle, newB: SchemaBundle, o: GateOptions, diff: DiffOptions, strict: boolean, defaultWaivers: string | undefined): GateReport {
  const cwd = cwdOf(o);
  const notes: string[] = [...(oldB.notes ?? []), ...(newB.notes ?? [])];
  let findings: Finding[] = diffBundles(oldB, newB, { compareStability: oldB.stabilityKnown !== false && newB.stabilityKnown !== false, ...diff });
  const fixturesDir = o.fixtures === false ? undefined : resolve(cwd, o.fixtures ?? DEFAULT_FIXTURES_DIR);
  if (fixturesDir !== undefined && existsSync(fixturesDir)) {
    const { messages, problems } = loadFixtureMessages(fixturesDir, cwd);
    for (const p of problems) notes.push(`fixture not read: ${p}`);
    findings.push(...checkFixtureMessages(messages, newB, oldB));
    notes.push(`fixture evidence: ${messages.length} message(s) from ${relative(cwd, fixturesDir) || "."}`);
  } else if (o.fixtures !== undefined && o.fixtures !== false) {
    throw new UsageError(`fixture directory ${o.fixtures} does not exist`);
  }
  const waiverFile = o.waivers === false ? undefined : (o.waivers ?? defaultWaivers);
  if (waiverFile !== undefined) {
    const path = resolve(cwd, waiverFile);
    if (o.waivers !== undefined && !existsSync(path)) throw new UsageError(`waiver file ${waiverFile} does not exist`);
    findings = applyWaivers(findings, loadWaivers(path), { file: relFile(waiverFile, cwd)!, strict });
  } else if (strict) {
    findings = applyWaivers(findings, [], { file: "(none)", strict });
  }
  findings = sortFindings(findings);
  const files: GateReport["files"] = {};
  const bundle = relFile(newB.file, cwd);
  if (bundle !== undefined) files.bundle = bundle;
  const waivers = relFile(waiverFile, cwd);
  if (waivers !== undefined) files.waivers = waivers;
  return { command, old: oldB.source, new: newB.source, findings, failed: findings.some((f) => f.severity === "breaking"), files, notes, cwd };
}

/** `schema diff <old> [<new>]`: breaking changes from old to new (waivers only if given). */
export function schemaDiff(req: DiffRequest): GateReport {
  const cwd = cwdOf(req);
  const oldB = loadAnySide(req.experimentalOld === undefined ? { spec: req.old, cwd } : { spec: req.old, cwd, experimental: req.experimentalOld });
  const newB = loadNew(req.new, req, req.experimentalNew);
  // Our fixture corpus is evidence about our contract, not about another protocol's folders.
  const foreign = isCodexSide(req.old, cwd) || (req.new !== undefined && isCodexSide(req.new, cwd));
  const opts = foreign && req.fixtures === undefined ? { ...req, fixtures: false as const } : req;
  return gate("diff", oldB, newB, opts, {}, false, undefined);
}

/**
 * `schema diff --upstream <dir> [<new>]`: how our contract differs from Codex's on our
 * surface (our methods only). Codex is the old side, so a breaking finding means a Codex
 * client or server would not interoperate with ours as a drop-in. Strict: every
 * difference fails unless waived (default: schema/baseline/upstream-waivers.jsonc).
 */
export function schemaUpstreamDiff(req: UpstreamRequest): GateReport {
  const cwd = cwdOf(req);
  const oldB = loadUpstreamBundle(resolve(cwd, req.upstream));
  const newB = loadNew(req.new, req);
  const defaults = join(DEFAULT_BASELINE_DIR, UPSTREAM_WAIVERS_FILE);
  return gate(
    "diff --upstream",
    oldB,
    newB,
    { ...req, fixtures: false },
    { surface: "new", exemptExperimental: false, compareStability: false },
    true,
    existsSync(resolve(cwd, defaults)) ? defaults : undefined,
  );
}

export interface LintRequest extends Omit<GateOptions, "fixtures"> {
  /** The side to lint (default: the working tree's schema folder). */
  schema?: string;
  experimental?: string;
  /** Only names this old side lacks. */
  since?: string;
  experimentalSince?: string;
}

/** `schema lint`: naming rules as findings, with waivers. */
export function schemaLint(req: LintRequest): GateReport {
  const cwd = cwdOf(req);
  const side = loadNew(req.schema, req, req.experimental);
  const since = req.since === undefined ? undefined : loadAnySide(req.experimentalSince === undefined ? { spec: req.since, cwd } : { spec: req.since, cwd, experimental: req.experimentalSince });
  let findings = lintNames(side, since === undefined ? {} : { since });
  if (req.waivers !== undefined && req.waivers !== false) {
    const path = resolve(cwd, req.waivers);
    if (!existsSync(path)) throw new UsageError(`waiver file ${req.waivers} does not exist`);
    findings = applyWaivers(findings, loadWaivers(path), { file: relFile(req.waivers, cwd)! });
  }
  const notes = [...(side.notes ?? [])];
  if (since !== undefined) notes.push(`only names new since ${since.source}`);
  const report: GateReport = { command: "lint", old: since?.source ?? "-", new: side.source, findings, failed: findings.some((f) => f.severity === "breaking"), files: {}, notes, cwd };
  const bundle = relFile(side.file, cwd);
  if (bundle !== undefined) report.files.bundle = bundle;
  return report;
}

export interface CheckRequest extends GateOptions {
  /** The baseline folder (default schema/baseline). */
  baseline?: string;
}

/** `schema check`: the working tree against the committed baseline, with its waivers and the fixture evidence. */
export function schemaCheck(req: CheckRequest = {}): GateReport {
  const cwd = cwdOf(req);
  const baselineDir = req.baseline ?? DEFAULT_BASELINE_DIR;
  const dir = resolve(cwd, baselineDir);
  if (bundleFileIn(dir) === undefined) throw new UsageError(`no baseline in ${baselineDir} (create it with \`schema baseline update\`)`);
  const oldB = loadBundleFromPath(dir);
  oldB.source = `baseline (${relative(cwd, dir) || "."})`;
  const newB = loadNew(undefined, req);
  return gate("check", oldB, newB, req, {}, false, join(baselineDir, WAIVERS_FILE));
}

export const BASELINE_README = `# Schema baseline

\`app_server_conformance.schemas.json\` is a verbatim copy of
\`schema/json/experimental/app_server_conformance.schemas.json\` as of the last released
contract. \`schema check\` (\`app-server-conformance schema check\`) compares the working
tree with it and fails on changes that would break existing clients or servers; see
docs/schema-gate.md.

- \`waivers.jsonc\`: accepted breaking changes since this baseline, each with a reason.
  A waiver that matches nothing fails the check.
- \`upstream-waivers.jsonc\`: intentional differences from Codex's generated schema,
  used by \`schema diff --upstream <dir>\`.

Update it when a release ships: \`app-server-conformance schema baseline update\`
(copies the current bundle and empties waivers.jsonc, whose waivers the new baseline
makes obsolete; pass --keep-waivers to keep them), then commit the result.
`;

const EMPTY_WAIVERS = `// Accepted breaking changes relative to app_server_conformance.schemas.json in this folder.
// Each entry: {"rule": "<rule id>", "path": "<finding path, * wildcards>", "message"?: "<substring>", "reason": "<why>"}.
// A waiver that matches no finding fails \`schema check\`. \`schema baseline update\` empties this list.
{
  "waivers": []
}
`;

export interface BaselineUpdateRequest {
  cwd?: string;
  schemaDir?: string;
  baseline?: string;
  keepWaivers?: boolean;
}

/** `schema baseline update`: copies the working tree's bundle into the baseline folder. Returns the files written. */
export function updateBaseline(req: BaselineUpdateRequest = {}): string[] {
  const cwd = req.cwd ?? process.cwd();
  const source = bundleFileIn(resolve(cwd, req.schemaDir ?? DEFAULT_SCHEMA_DIR));
  if (source === undefined) throw new UsageError(`no ${BUNDLE_FILE} under ${req.schemaDir ?? DEFAULT_SCHEMA_DIR}`);
  loadBundleFromPath(source); // refuse to baseline something that is not a bundle
  const dir = resolve(cwd, req.baseline ?? DEFAULT_BASELINE_DIR);
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  copyFileSync(source, join(dir, BUNDLE_FILE));
  written.push(join(dir, BUNDLE_FILE));
  writeFileSync(join(dir, "README.md"), BASELINE_README);
  written.push(join(dir, "README.md"));
  const waivers = join(dir, WAIVERS_FILE);
  if (!req.keepWaivers || !existsSync(waivers)) {
    writeFileSync(waivers, EMPTY_WAIVERS);
    written.push(waivers);
  }
  return written.map((f) => relative(cwd, f) || f);
}

// ---- commander -------------------------------------------------------------------

const USAGE_ERRORS = [UsageError, BundleError, WaiverError, JsoncError];
const isUsageError = (e: unknown) => USAGE_ERRORS.some((cls) => e instanceof cls);

export interface SchemaCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd?: string;
  /** Receives the exit code of the action (default: sets process.exitCode). */
  exit?(code: number): void;
}

const defaultIo: SchemaCommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

const formatOption = () => new Option("--format <format>", "output format").choices([...FORMATS]).default("text");

/** The `schema` command with its subcommands, ready to mount with `program.addCommand(...)`. */
export function createSchemaCommand(io: SchemaCommandIo = defaultIo): Command {
  const exit = io.exit ?? ((code: number) => void (process.exitCode = code));
  const base = { cwd: io.cwd };
  const emit = (report: GateReport, format: Format) => {
    io.stdout(renderReport(report, format));
    exit(report.failed ? 1 : 0);
  };
  /** Usage problems found while acting (unreadable side, bad waiver file) exit 2, also when mounted elsewhere. */
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn(...args);
      } catch (e) {
        if (!isUsageError(e)) throw e;
        io.stderr(`error: ${(e as Error).message}\n`);
        exit(2);
      }
    };
  const schema = new Command("schema").description("Schema compatibility gate: breaking-change detection for the vendored JSON Schema.");

  schema
    .command("diff")
    .description(
      "Compare two schema versions. Each side is one of our schema folders (like schema/json), a variant folder, a bundle file, a git ref, or a Codex `generate-json-schema` output folder (stable, with --experimental-old/--experimental-new for its experimental twin, or a folder holding stable/ and experimental/); <new> defaults to the working tree. Exit 1 on a breaking change.",
    )
    .argument("[old]", "old side: folder or git ref (omit with --upstream)")
    .argument("[new]", "new side: folder or git ref (default: the working tree)")
    .option("--upstream <dir>", "compare with Codex's `generate-json-schema --experimental` output instead of an old side")
    .option("--experimental-old <dir>", "the `generate-json-schema --experimental` output of the old side, when <old> is Codex's stable output")
    .option("--experimental-new <dir>", "the `generate-json-schema --experimental` output of the new side, when <new> is Codex's stable output")
    .option("--waivers <file>", "waiver file (JSONC); --upstream defaults to schema/baseline/upstream-waivers.jsonc")
    .option("--no-waivers", "ignore waivers")
    .option("--fixtures <dir>", "fixture corpus for evidence (default: fixtures/ if present)")
    .option("--no-fixtures", "skip fixture evidence")
    .option("--schema <dir>", "the working tree's schema folder", DEFAULT_SCHEMA_DIR)
    .addOption(formatOption())
    .action(guard((oldSpec: string | undefined, newSpec: string | undefined, opts: { upstream?: string; experimentalOld?: string; experimentalNew?: string; waivers?: string | false; fixtures?: string | false; schema: string; format: Format }) => {
      const common = { ...base, schemaDir: opts.schema, ...(opts.waivers !== undefined && (opts.waivers as unknown) !== true ? { waivers: opts.waivers } : {}) };
      if (opts.upstream !== undefined) {
        if (newSpec !== undefined) throw new UsageError("with --upstream give at most one side (ours)");
        const req: UpstreamRequest = { ...common, upstream: opts.upstream };
        if (oldSpec !== undefined) req.new = oldSpec;
        return emit(schemaUpstreamDiff(req), opts.format);
      }
      if (oldSpec === undefined) throw new UsageError("missing <old> (a schema folder or git ref), or use --upstream <dir>");
      const req: DiffRequest = { ...common, old: oldSpec };
      if (newSpec !== undefined) req.new = newSpec;
      if (opts.experimentalOld !== undefined) req.experimentalOld = opts.experimentalOld;
      if (opts.experimentalNew !== undefined) req.experimentalNew = opts.experimentalNew;
      if (opts.fixtures !== undefined && (opts.fixtures as unknown) !== true) req.fixtures = opts.fixtures;
      return emit(schemaDiff(req), opts.format);
    }));

  schema
    .command("check")
    .description("Compare the working tree with the committed baseline (schema/baseline), its waivers and the fixture evidence. Exit 1 on a breaking change.")
    .option("--baseline <dir>", "baseline folder", DEFAULT_BASELINE_DIR)
    .option("--waivers <file>", "waiver file (default: <baseline>/waivers.jsonc)")
    .option("--fixtures <dir>", "fixture corpus for evidence (default: fixtures/ if present)")
    .option("--no-fixtures", "skip fixture evidence")
    .option("--schema <dir>", "the working tree's schema folder", DEFAULT_SCHEMA_DIR)
    .addOption(formatOption())
    .action(guard((opts: { baseline: string; waivers?: string; fixtures?: string | false; schema: string; format: Format }) => {
      const req: CheckRequest = { ...base, baseline: opts.baseline, schemaDir: opts.schema };
      if (opts.waivers !== undefined) req.waivers = opts.waivers;
      if (opts.fixtures !== undefined && (opts.fixtures as unknown) !== true) req.fixtures = opts.fixtures;
      return emit(schemaCheck(req), opts.format);
    }));

  schema
    .command("rules")
    .description("List the rules with their severity per direction (client->server, server->client).")
    .addOption(formatOption())
    .action((opts: { format: Format }) => {
      if (opts.format === "json") io.stdout(`${JSON.stringify(RULES, null, 2)}\n`);
      else if (opts.format === "markdown") {
        const rows = RULE_IDS.map((id) => `| \`${id}\` | ${RULES[id].title} | ${RULES[id].input} | ${RULES[id].output} |`);
        io.stdout(`| Rule | Change | client->server | server->client |\n| --- | --- | --- | --- |\n${rows.join("\n")}\n`);
      } else {
        io.stdout(`${RULE_IDS.map((id) => `${id.padEnd(30)} ${RULES[id].input.padEnd(9)} ${RULES[id].output.padEnd(9)} ${RULES[id].title}`).join("\n")}\n`);
      }
      exit(0);
    });

  schema
    .command("lint")
    .description(
      "Naming rules: member names and method segments must be camelCase (snake_case leaking in is the usual slip). Reads the same sides as `schema diff` (default: the working tree). Experimental names are warnings. Exit 1 on an unwaived violation.",
    )
    .argument("[schema]", "a schema folder (ours or a Codex generate-json-schema output), bundle file or git ref (default: the working tree)")
    .option("--experimental <dir>", "the --experimental Codex output belonging to [schema] (marks experimental names)")
    .option("--since <old>", "report only names the old side does not have (gate new slips only)")
    .option("--experimental-since <dir>", "the --experimental Codex output belonging to --since")
    .option("--waivers <file>", "waiver file (JSONC): rule member-not-camel-case / method-segment-not-camel-case, path glob, reason")
    .option("--schema <dir>", "the working tree's schema folder", DEFAULT_SCHEMA_DIR)
    .addOption(formatOption())
    .action(guard((spec: string | undefined, opts: { experimental?: string; since?: string; experimentalSince?: string; waivers?: string; schema: string; format: Format }) => {
      const req: LintRequest = { ...base, schemaDir: opts.schema };
      if (spec !== undefined) req.schema = spec;
      if (opts.experimental !== undefined) req.experimental = opts.experimental;
      if (opts.since !== undefined) req.since = opts.since;
      if (opts.experimentalSince !== undefined) req.experimentalSince = opts.experimentalSince;
      if (opts.waivers !== undefined) req.waivers = opts.waivers;
      return emit(schemaLint(req), opts.format);
    }));

  schema.addCommand(codexCommand({ stdout: io.stdout, stderr: io.stderr, exit, cwd: io.cwd, guard }));

  const baseline = schema.command("baseline").description("Manage the committed baseline (schema/baseline).");
  baseline
    .command("update")
    .description("Copy the working tree's experimental bundle into the baseline folder (after a release) and empty its waivers.")
    .option("--baseline <dir>", "baseline folder", DEFAULT_BASELINE_DIR)
    .option("--schema <dir>", "the working tree's schema folder", DEFAULT_SCHEMA_DIR)
    .option("--keep-waivers", "keep the existing waivers.jsonc")
    .action(guard((opts: { baseline: string; schema: string; keepWaivers?: boolean }) => {
      const written = updateBaseline({ ...base, baseline: opts.baseline, schemaDir: opts.schema, keepWaivers: opts.keepWaivers === true });
      io.stdout(`${written.map((f) => `wrote ${f}`).join("\n")}\n`);
      exit(0);
    }));
  return schema;
}


/**
 * Runs `schema <args>` (argv without the program name and without `schema`, e.g.
 * `["diff", "v0.1.0"]`) and resolves to the exit code: 0 ok, 1 breaking change,
 * 2 usage error (bad arguments, unreadable schema or waiver file).
 */
export async function runSchemaCommand(args: readonly string[], io: SchemaCommandIo = defaultIo): Promise<number> {
  let code = 0;
  const schema = createSchemaCommand({ ...io, exit: (c) => void (code = c) });
  const configure = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    c.commands.forEach(configure);
  };
  configure(schema);
  try {
    await schema.parseAsync([...args], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.help" || e.code === "commander.version") return 0;
      return 2;
    }
    throw e;
  }
  return code;
}
