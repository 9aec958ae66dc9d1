// Codex releases as schema sides: resolve versions against the npm registry, install a
// release into a cache outside the repository (as `install-codex` does:
// ~/.cache/codex-<version>), and generate its stable and experimental schema folders once
// (~/.cache/codex-schemas/<version>/{stable,experimental}).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.ts";

export const CODEX_PACKAGE = "@openai/codex";
const STABLE_VERSION = /^\d+\.\d+\.\d+$/;

export interface ReleaseCache {
  /** Where releases are installed: `<installRoot>/codex-<version>` (default ~/.cache). */
  installRoot: string;
  /** Where generated schemas are kept: `<schemaRoot>/<version>/{stable,experimental}` (default ~/.cache/codex-schemas). */
  schemaRoot: string;
  /** Progress lines (stderr; stdout carries only the report). */
  log(line: string): void;
}

export function defaultCache(log: (line: string) => void): ReleaseCache {
  const root = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return { installRoot: root, schemaRoot: join(root, "codex-schemas"), log };
}

/** Numeric comparison of x.y.z versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Stable releases only: no prereleases, no platform-suffixed builds (`0.171.0-linux-x64`). */
export function stableVersions(all: readonly string[]): string[] {
  return all.filter((v) => STABLE_VERSION.test(v)).sort(compareVersions);
}

/** `npm view @openai/codex versions --json` (stable releases, ascending). */
export function registryVersions(): string[] {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["view", CODEX_PACKAGE, "versions", "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new UsageError(`npm view ${CODEX_PACKAGE} versions failed: ${(r.stderr || r.error?.message || "").trim()}`);
  const parsed: unknown = JSON.parse(r.stdout);
  return stableVersions(Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === "string") : []);
}

/**
 * The releases to walk: `A..B` is every stable release from A to B (both included);
 * a single version means "its predecessor and it"; two or more versions are taken as given.
 */
export function resolveReleases(specs: readonly string[], versions: () => string[]): string[] {
  if (specs.length === 0) throw new UsageError("give a version, two versions or a range like 0.160.0..0.171.0");
  const range = specs.length === 1 ? /^(\d+\.\d+\.\d+)\.\.(\d+\.\d+\.\d+)$/.exec(specs[0]!) : null;
  for (const s of specs) if (!STABLE_VERSION.test(s) && range === null) throw new UsageError(`${s}: not a release version (x.y.z) or a range (x.y.z..x.y.z)`);
  if (range !== null) {
    const [, from, to] = range;
    if (compareVersions(from!, to!) >= 0) throw new UsageError(`${specs[0]}: the range must go from an older to a newer release`);
    const list = versions();
    for (const end of [from!, to!]) if (!list.includes(end)) throw new UsageError(`${end} is not a published stable release of ${CODEX_PACKAGE}`);
    return list.filter((v) => compareVersions(v, from!) >= 0 && compareVersions(v, to!) <= 0);
  }
  if (specs.length === 1) {
    const list = versions();
    const i = list.indexOf(specs[0]!);
    if (i < 0) throw new UsageError(`${specs[0]} is not a published stable release of ${CODEX_PACKAGE}`);
    if (i === 0) throw new UsageError(`${specs[0]} is the first release; give two versions`);
    return [list[i - 1]!, specs[0]!];
  }
  return [...specs];
}

/** The codex binary of a release, installed into `<installRoot>/codex-<version>` unless already there. */
export function installRelease(version: string, cache: ReleaseCache): string {
  const dir = join(cache.installRoot, `codex-${version}`);
  const bin = join(dir, "node_modules", ".bin", "codex");
  if (existsSync(bin)) return bin;
  cache.log(`installing ${CODEX_PACKAGE}@${version} into ${dir}`);
  mkdirSync(dir, { recursive: true });
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--prefix", dir, `${CODEX_PACKAGE}@${version}`], { stdio: ["ignore", 2, 2] });
  if (r.status !== 0 || !existsSync(bin)) throw new UsageError(`npm install ${CODEX_PACKAGE}@${version} failed (exit ${r.status})`);
  return bin;
}

/** `<schemaRoot>/<version>` holding `stable/` and `experimental/`, generated once. */
export function releaseSchemas(version: string, cache: ReleaseCache): string {
  const dir = join(cache.schemaRoot, version);
  for (const variant of ["stable", "experimental"] as const) {
    const out = join(dir, variant);
    if (existsSync(out)) continue;
    const bin = installRelease(version, cache);
    cache.log(`generating the ${variant} schema of Codex ${version}`);
    const tmp = `${out}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const args = ["app-server", "generate-json-schema", ...(variant === "experimental" ? ["--experimental"] : []), "--out", tmp];
    const r = spawnSync(bin, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (r.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new UsageError(`codex ${version} ${args.join(" ")} failed (exit ${r.status}): ${(r.stderr ?? "").trim().slice(0, 400)}`);
    }
    renameSync(tmp, out); // atomic: a half-generated folder is never cached
  }
  return dir;
}
