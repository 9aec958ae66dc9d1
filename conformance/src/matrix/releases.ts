// Codex releases for the matrix: a range on the command line -> versions (from the npm
// registry, or from what is already installed) -> an installed binary per version in
// its own cache folder (as `install-codex` does) -> the methods its own schema offers.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadUpstreamBundle } from "../compat/layouts/load.ts";
import { compareVersions, parseVersion } from "./versions.ts";

export const CODEX_PACKAGE = "@openai/codex";

export interface RangePart {
  from: string;
  to: string;
}

/**
 * `0.120.0..0.171.0` (inclusive; either end may be left out), `0.169.0`, or a comma
 * separated list of both. Only plain releases (no pre-release tags) take part.
 */
export function parseCodexRange(spec: string): RangePart[] {
  const parts = spec.split(",").map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new Error(`--codex: empty range`);
  return parts.map((p) => {
    const [from, to, extra] = p.split("..");
    if (extra !== undefined) throw new Error(`--codex: ${JSON.stringify(p)} is not a version or A..B range`);
    const lo = from === "" || from === undefined ? "0.0.0" : from;
    const hi = to === undefined ? lo : to === "" ? "999999.0.0" : to;
    for (const v of [lo, hi]) if (!parseVersion(v)) throw new Error(`--codex: ${JSON.stringify(v)} is not a release version (x.y.z)`);
    if (compareVersions(lo, hi) > 0) throw new Error(`--codex: ${p} is an empty range (${lo} is newer than ${hi})`);
    return { from: lo, to: hi };
  });
}

/** The versions of `available` that fall in the range, oldest first. */
export function versionsInRange(range: readonly RangePart[], available: readonly string[]): string[] {
  const plain = available.filter((v) => parseVersion(v));
  const picked = plain.filter((v) => range.some((r) => compareVersions(v, r.from) >= 0 && compareVersions(v, r.to) <= 0));
  return [...new Set(picked)].sort(compareVersions);
}

/** A single version (`0.169.0`) needs no registry lookup. */
export function exactVersions(range: readonly RangePart[]): string[] | undefined {
  return range.every((r) => r.from === r.to) ? [...new Set(range.map((r) => r.from))].sort(compareVersions) : undefined;
}

export function registryVersions(): string[] {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["view", CODEX_PACKAGE, "versions", "--json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm view ${CODEX_PACKAGE} versions failed: ${(r.stderr || r.error?.message || "").trim()}`);
  const list = JSON.parse(r.stdout) as unknown;
  return Array.isArray(list) ? list.map(String) : [String(list)];
}

/** Versions already installed as <cacheDir>/codex-<version>. */
export function installedVersions(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  return readdirSync(cacheDir)
    .map((name) => /^codex-(\d+\.\d+\.\d+)$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined && existsSync(codexBin(join(cacheDir, `codex-${v}`))));
}

export function codexBin(dir: string): string {
  return join(dir, "node_modules", ".bin", "codex");
}

function reportsVersion(bin: string, version: string): boolean {
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return r.status === 0 && new RegExp(`\\b${version.replace(/\./g, "\\.")}\\b`).test(r.stdout);
}

/** Installs the release into `dir` unless it is there already; npm's output goes to `log`. */
export function ensureCodex(version: string, dir: string, log: (line: string) => void): string {
  const bin = codexBin(dir);
  if (existsSync(bin) && reportsVersion(bin, version)) return bin;
  mkdirSync(dir, { recursive: true });
  log(`installing ${CODEX_PACKAGE}@${version} into ${dir}…`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // stdout of npm goes to our stderr: the matrix keeps stdout for its machine output.
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--prefix", dir, `${CODEX_PACKAGE}@${version}`], { stdio: ["ignore", 2, 2] });
  if (r.status !== 0) throw new Error(`npm install ${CODEX_PACKAGE}@${version} failed (exit ${r.status})`);
  if (!reportsVersion(bin, version)) throw new Error(`${bin} does not report version ${version}`);
  return bin;
}

/**
 * The methods (client requests and notifications, server notifications) the release's
 * own `app-server generate-json-schema --experimental` declares; undefined when it
 * cannot say (then every fixture runs).
 */
export function releaseMethods(bin: string, outDir: string, env: NodeJS.ProcessEnv): { methods: string[] } | { error: string } {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const r = spawnSync(bin, ["app-server", "generate-json-schema", "--experimental", "--out", outDir], { encoding: "utf8", env });
  if (r.status !== 0) return { error: `generate-json-schema failed (exit ${r.status}): ${(r.stderr || "").trim().split("\n").pop() ?? ""}` };
  try {
    return { methods: Object.keys(loadUpstreamBundle(outDir).methods).sort() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
