// `schema codex <version> [<version>...]` and `schema codex A..B`: the gate over real Codex
// releases. Installs and generates each release once (outside the repository), diffs
// consecutive releases with both variants, and prints the gate report (one pair) or a
// protocol changelog (text, JSON, Markdown).
import { Command, Option } from "commander";
import { pairChangelog, renderChangelog, type Changelog } from "./changelog.ts";
import { CODEX_PACKAGE, defaultCache, registryVersions, releaseSchemas, resolveReleases, type ReleaseCache } from "./codex-releases.ts";
import { diffBundles, isBreaking, type Finding } from "./diff.ts";
import { loadAnySide } from "./layouts/load.ts";
import { renderReport, type Format, type GateReport } from "./report.ts";
import { applyWaivers, loadWaivers, waiverMatches } from "./waivers.ts";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "./errors.ts";
import type { SchemaBundle } from "./model.ts";

export interface CodexWalkRequest {
  /** Versions as given: one (its predecessor and it), two or more (walked in order), or `A..B`. */
  versions: string[];
  cache: ReleaseCache;
  /** Registry lookup (injectable for tests). */
  registry?: () => string[];
  /** A waiver file applied to every pair. */
  waivers?: string;
  cwd: string;
}

export interface CodexPair {
  old: string;
  new: string;
  findings: Finding[];
  notes: string[];
}

/** Generates (if needed) and diffs each consecutive pair. */
export function walkCodexReleases(req: CodexWalkRequest): { releases: string[]; pairs: CodexPair[] } {
  const releases = resolveReleases(req.versions, req.registry ?? registryVersions);
  const bundles = new Map<string, SchemaBundle>();
  const load = (v: string) => {
    let b = bundles.get(v);
    if (b === undefined) {
      b = loadAnySide({ spec: releaseSchemas(v, req.cache), cwd: req.cwd });
      b.source = v;
      bundles.set(v, b);
    }
    return b;
  };
  const waivers = req.waivers === undefined ? undefined : resolve(req.cwd, req.waivers);
  if (waivers !== undefined && !existsSync(waivers)) throw new UsageError(`waiver file ${req.waivers} does not exist`);
  const list = waivers === undefined ? [] : loadWaivers(waivers);
  const used = new Set<number>();
  const pairs: CodexPair[] = [];
  for (let i = 1; i < releases.length; i++) {
    const oldB = load(releases[i - 1]!);
    const newB = load(releases[i]!);
    let findings = diffBundles(oldB, newB);
    if (list.length > 0) {
      list.forEach((w, k) => findings.some((f) => waiverMatches(w, f)) && used.add(k));
      // A waiver is stale only if no pair of the walk needs it (checked below).
      findings = applyWaivers(findings, list, { file: req.waivers! }).filter((f) => f.rule !== "waiver-unused");
    }
    // Reader notes that repeat for every pair (the same unpaired requests) are summarised by the changelog.
    pairs.push({ old: oldB.source, new: newB.source, findings, notes: [...(oldB.notes ?? []), ...(newB.notes ?? [])] });
    bundles.delete(releases[i - 1 - 1]!); // keep memory flat over long ranges
  }
  const stale = list.filter((_, k) => !used.has(k)).map((w) => ({ ...w }));
  if (stale.length > 0 && pairs.length > 0) {
    const last = pairs[pairs.length - 1]!;
    last.findings.push(...applyWaivers([], stale, { file: req.waivers! }));
  }
  return { releases, pairs };
}

export function changelogOf(walk: { releases: string[]; pairs: CodexPair[] }): Changelog {
  return { package: CODEX_PACKAGE, releases: walk.releases, pairs: walk.pairs.map((p) => pairChangelog(p.old, p.new, p.findings, p.notes)) };
}

export interface CommandHelpers {
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: number): void;
  cwd: string | undefined;
  guard<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

export function codexCommand(h: CommandHelpers): Command {
  return new Command("codex")
    .description(
      `Diff real ${CODEX_PACKAGE} releases (stable and experimental variants). Installs each release into ~/.cache/codex-<version> and caches its generated schemas in ~/.cache/codex-schemas/<version>/ (outside the repository). One version: its predecessor and it; two or more: each consecutive pair; A..B: every stable release from A to B (npm registry). One pair prints the gate report; more print a protocol changelog. Exit 1 if any pair has a breaking change.`,
    )
    .argument("<versions...>", "release versions (x.y.z) or one range x.y.z..x.y.z")
    .option("--cache <dir>", "cache root for installs (codex-<version>) and generated schemas (codex-schemas/)")
    .option("--waivers <file>", "waiver file applied to every pair")
    .option("--changelog", "print the changelog even for a single pair")
    .addOption(new Option("--format <format>", "output format (github: single pair only)").choices(["text", "json", "markdown", "github"]).default("text"))
    .action(
      h.guard((versions: string[], opts: { cache?: string; waivers?: string; changelog?: boolean; format: Format }) => {
        const log = (line: string) => h.stderr(`${line}\n`);
        const cache = defaultCache(log);
        if (opts.cache !== undefined) {
          cache.installRoot = resolve(opts.cache);
          cache.schemaRoot = resolve(opts.cache, "codex-schemas");
        }
        const req: CodexWalkRequest = { versions, cache, cwd: h.cwd ?? process.cwd() };
        if (opts.waivers !== undefined) req.waivers = opts.waivers;
        const walk = walkCodexReleases(req);
        const failed = walk.pairs.some((p) => p.findings.some(isBreaking));
        if (walk.pairs.length === 1 && !opts.changelog) {
          const p = walk.pairs[0]!;
          const report: GateReport = { command: "codex", old: p.old, new: p.new, findings: p.findings, failed, files: {}, notes: p.notes };
          h.stdout(renderReport(report, opts.format));
        } else {
          if (opts.format === "github") throw new UsageError("--format github applies to a single pair; use text, json or markdown for a changelog");
          h.stdout(renderChangelog(changelogOf(walk), opts.format));
        }
        h.exit(failed ? 1 : 0);
      }),
    );
}
