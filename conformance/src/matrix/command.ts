// `app-server-conformance matrix`: the corpus against several implementations and a
// range of Codex releases, one run after the other, then the HTML report over all runs.
// Progress goes to stderr; stdout carries only the JSON summary.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import process from "node:process";
import { Command } from "commander";
import { collect, positiveInt, positiveNumber } from "../cli/arg-parsers.ts";
import { loadFixtures } from "../fixture/load.ts";
import { loadImplementation, type Implementation } from "../descriptor/implementation.ts";
import { packageRoot, probeArgv } from "../probe/probe-path.ts";
import { renderJson } from "../reporters/json.ts";
import { writeHtmlReport } from "../report/html.ts";
import { parseRunReport, readRunReport, type RunReport } from "../report/run-report.ts";
import { runSuite, selectFixtures, type Selection } from "../runner/suite.ts";
import { restrictToMethods } from "./applicability.ts";
import { codexBin, ensureCodex, exactVersions, installedVersions, parseCodexRange, registryVersions, releaseMethods, versionsInRange } from "./releases.ts";

interface MatrixOptions {
  implementation?: string[];
  codex?: string;
  codexDescriptor: string;
  cacheDir: string;
  codexHome: string;
  installedOnly?: boolean;
  out: string;
  fixtures: string;
  filter?: string[];
  tag?: string[];
  jobs: number;
  timeoutMultiplier: number;
  resume?: boolean;
}

interface PlannedRun {
  label: string;
  impl: Implementation;
  codexVersion?: string;
  methods?: string[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function isUnder(child: string, parent: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "..");
}

function safeLabel(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, "_");
}

function planCodex(opts: MatrixOptions): PlannedRun[] {
  if (!opts.codex) return [];
  const range = parseCodexRange(opts.codex);
  const versions = exactVersions(range) ?? versionsInRange(range, opts.installedOnly ? installedVersions(opts.cacheDir) : registryVersions());
  if (!versions.length) throw new Error(`--codex ${opts.codex}: no release in that range${opts.installedOnly ? ` is installed in ${opts.cacheDir}` : " on the registry"}`);
  if (isUnder(opts.codexHome, tmpdir())) throw new Error(`--codex-home ${opts.codexHome} is under ${tmpdir()}: Codex refuses a CODEX_HOME there; pick another folder`);
  log(`Codex releases: ${versions.join(", ")}`);
  return versions.map((version) => {
    const dir = join(opts.cacheDir, `codex-${version}`);
    const bin = opts.installedOnly ? codexBin(dir) : ensureCodex(version, dir, log);
    if (!existsSync(bin)) throw new Error(`Codex ${version} is not installed in ${dir} (drop --installed-only to install it)`);
    const home = join(opts.codexHome, version);
    mkdirSync(home, { recursive: true });
    const env = { ...process.env, CODEX_BIN: bin, CODEX_ORACLE_DIR: dir, CODEX_ORACLE_HOME: home };
    const impl = loadImplementation(opts.codexDescriptor, env);
    impl.name = `codex-${version}`;
    const schema = releaseMethods(bin, join(opts.out, "schemas", version), { ...env, CODEX_HOME: home });
    if ("error" in schema) log(`codex ${version}: cannot read its schema (${schema.error}); every fixture runs`);
    else log(`codex ${version}: its schema declares ${schema.methods.length} methods`);
    return { label: impl.name, impl, codexVersion: version, ...("methods" in schema ? { methods: schema.methods } : {}) };
  });
}

async function runMatrix(opts: MatrixOptions): Promise<number> {
  if (!opts.implementation?.length && !opts.codex) throw new Error("give --implementation <descriptor> (repeatable) and/or --codex <range>");
  const { fixtures, problems } = loadFixtures(resolve(opts.fixtures));
  if (problems.length) throw new Error(`${problems.length} fixture(s) could not be loaded (run \`app-server-conformance lint\`)`);
  mkdirSync(opts.out, { recursive: true });
  const planned: PlannedRun[] = (opts.implementation ?? []).map((file) => {
    const impl = loadImplementation(file);
    return { label: impl.name, impl };
  });
  planned.push(...planCodex(opts));
  const labels = new Set<string>();
  for (const p of planned) {
    if (labels.has(p.label)) throw new Error(`two runs are named ${p.label}: give each implementation its own descriptor name`);
    labels.add(p.label);
  }
  const reports: { report: RunReport; source: string }[] = [];
  const files: { label: string; file: string; ok: boolean; counts: RunReport["counts"] }[] = [];
  for (const [i, p] of planned.entries()) {
    const file = join(opts.out, `${safeLabel(p.label)}.json`);
    if (opts.resume && existsSync(file)) {
      const report = readRunReport(file);
      if (report.matrix?.label === p.label) {
        log(`[${i + 1}/${planned.length}] ${p.label}: reusing ${file}`);
        reports.push({ report, source: file });
        files.push({ label: p.label, file, ok: report.ok ?? false, counts: report.counts });
        continue;
      }
    }
    let selection: Selection = selectFixtures(fixtures, { filter: opts.filter ?? [], tags: opts.tag ?? [], features: p.impl.features });
    if (p.methods) selection = restrictToMethods(selection, p.methods, p.label);
    log(`[${i + 1}/${planned.length}] ${p.label}: ${selection.selected.length} fixtures to run, ${selection.skipped.length} not applicable`);
    let lastShown = 0;
    const suite = await runSuite(
      p.impl,
      selection,
      { jobs: opts.jobs, repeat: 1, timeoutMultiplier: opts.timeoutMultiplier, strict: false, filter: opts.filter ?? [], tags: opts.tag ?? [], probe: probeArgv() },
      {
        onFixtureDone: (_r, done, total) => {
          if (done === total || Date.now() - lastShown > 10_000) {
            lastShown = Date.now();
            log(`  ${p.label}: ${done}/${total}`);
          }
        },
      },
    );
    const raw = JSON.parse(renderJson(suite)) as Record<string, unknown>;
    const descriptor = raw.descriptor ?? { name: p.impl.name, file: p.impl.file, features: p.impl.features, baseline: p.impl.baseline };
    const withMatrix = { ...raw, descriptor, matrix: { label: p.label, ...(p.codexVersion ? { codexVersion: p.codexVersion } : {}), ...(p.methods ? { methods: p.methods } : {}) } };
    writeFileSync(file, `${JSON.stringify(withMatrix, null, 2)}\n`);
    const report = parseRunReport(withMatrix, file);
    reports.push({ report, source: file });
    files.push({ label: p.label, file, ok: suite.ok, counts: report.counts });
    const c = report.counts;
    log(`  ${p.label}: ${c.pass} passed, ${c.fail + c.error + c.flaky} failed, ${c.xfail} expected failures, ${c.stale} stale, ${c.skip} not applicable -> ${file}`);
  }
  const htmlDir = join(opts.out, "html");
  const page = writeHtmlReport(htmlDir, reports, { steps: new Map(fixtures.map((lf) => [lf.fixture.id, lf.fixture.steps])) });
  log(`HTML report: ${page}`);
  process.stdout.write(`${JSON.stringify({ runs: files, html: page }, null, 2)}\n`);
  return files.every((f) => f.ok) ? 0 : 1;
}

export function matrixCommand(): Command {
  return new Command("matrix")
    .description(
      "Run the corpus against several implementations and a range of Codex releases (installed on demand into <cache-dir>/codex-<version>), write one JSON run report per run and the HTML report over all of them. Fixtures using a method a release's own schema lacks are not applicable to it. Exit 0 when every run passes, 1 when some run has conformance failures, 2 on usage or setup errors.",
    )
    .option("--implementation <descriptor>", "an implementation descriptor to include (repeatable)", collect)
    .option("--codex <range>", "Codex releases: 0.120.0..0.171.0 (inclusive, from the npm registry), 0.169.0, or a comma-separated list of both")
    .option("--installed-only", "take the releases of the range from <cache-dir>/codex-* instead of the registry, and install nothing")
    .option("--codex-descriptor <file>", "the descriptor each release runs with (CODEX_BIN and CODEX_ORACLE_HOME set per release)", join(packageRoot(), "fixtures", "implementations", "codex.jsonc"))
    .option("--cache-dir <dir>", "where releases are installed, as codex-<version>/", join(homedir(), ".cache"))
    .option("--codex-home <dir>", "a CODEX_HOME per release is made under this folder (not under the temporary directory)", join(homedir(), ".codex-matrix-home"))
    .requiredOption("--out <dir>", "writes <dir>/<run>.json, <dir>/schemas/<version>/ and <dir>/html/index.html")
    .option("--fixtures <dir>", "the fixture directory", join(packageRoot(), "fixtures"))
    .option("--filter <glob>", "only fixture ids matching this glob (repeatable)", collect)
    .option("--tag <tag>", "only fixtures with this tag (repeatable)", collect)
    .option("--jobs <n>", "fixtures run in parallel within a run (runs go one after the other)", positiveInt, 2)
    .option("--timeout-multiplier <x>", "scale every timeout", positiveNumber, 1)
    .option("--resume", "reuse the run reports a previous matrix left in --out (same run names) instead of running them again")
    .action(async (opts: MatrixOptions) => {
      process.exitCode = await runMatrix(opts);
    });
}
