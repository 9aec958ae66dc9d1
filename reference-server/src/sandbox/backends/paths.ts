// Filesystem helpers for the Linux backend: symlink-aware path resolution and the bounded
// deny-glob walk. Everything that can be evaded (symlinks the sandbox can swap, unbounded
// scans) fails closed with a SandboxRefusal.
import { lstatSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { join, normalize, sep } from "node:path";
import { compileGlob, globComponentDepth, globStaticPrefix } from "../../permissions/glob.ts";
import { SandboxRefusal } from "./types.ts";

export const BACKEND = "linux-bwrap";

export const isUnder = (child: string, parent: string): boolean =>
  parent === sep ? child !== sep && child.startsWith(sep) : child.startsWith(parent + sep);
export const isAtOrUnder = (child: string, parent: string): boolean => child === parent || isUnder(child, parent);

export const depthOf = (p: string): number => (p === sep ? 0 : p.split(sep).length - 1);

export function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

export type Resolved =
  | { exists: true; path: string; stat: Stats }
  /** `firstMissing` is the first component that does not exist (undefined for a dangling link). */
  | { exists: false; path: string; firstMissing: string | undefined };

/**
 * Resolves `target` component by component. A symlink inside a writable area fails closed
 * (the sandbox could swap it); other symlinks are followed to their real target.
 */
export function resolveStable(target: string, isWritable: (p: string) => boolean): Resolved {
  const parts = normalize(target).split(sep).filter((c) => c !== "");
  let cur: string = sep;
  for (let i = 0; i < parts.length; i++) {
    const next = cur === sep ? `${sep}${parts[i]}` : `${cur}${sep}${parts[i]}`;
    const st = lstatOrUndefined(next);
    if (st === undefined) return { exists: false, path: join(next, ...parts.slice(i + 1)), firstMissing: next };
    if (st.isSymbolicLink()) {
      if (isWritable(next)) {
        throw new SandboxRefusal("unsupported", BACKEND, `cannot enforce sandbox path ${target}: it crosses the writable symlink ${next}`);
      }
      try {
        cur = realpathSync(next);
      } catch {
        return { exists: false, path: join(next, ...parts.slice(i + 1)), firstMissing: undefined };
      }
    } else {
      cur = next;
    }
  }
  const stat = lstatOrUndefined(cur);
  if (stat === undefined) return { exists: false, path: cur, firstMissing: cur };
  return { exists: true, path: cur, stat };
}

export interface GlobLimits {
  /** Directory levels below the static prefix scanned for `**` patterns; null = unbounded (entry cap applies). */
  maxDepth: number | null;
  /** Directory entries examined per pattern before failing closed. */
  entryCap: number;
  /** Matches per pattern before failing closed. */
  matchCap: number;
}

export const DEFAULT_GLOB_LIMITS: GlobLimits = { maxDepth: null, entryCap: 100_000, matchCap: 500 };

export interface GlobMatch {
  path: string;
  stat: Stats;
}

/**
 * Expands a deny glob at spawn time: walks from the literal prefix with lstat/readdir,
 * includes dotfiles, ignores .gitignore, never follows symlinked directories.
 */
export function expandDenyGlob(pattern: string, limits: GlobLimits, isWritable: (p: string) => boolean): GlobMatch[] {
  const prefix = globStaticPrefix(pattern);
  if (prefix === "" || prefix === sep) {
    throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} has no directory prefix; a root-level scan is not enforced`);
  }
  const start = resolveStable(prefix, isWritable);
  if (!start.exists || !start.stat.isDirectory()) return [];
  const rest = pattern.slice(prefix.length);
  const regex = compileGlob(start.path + rest);
  const componentDepth = globComponentDepth(pattern);
  const limit = componentDepth ?? limits.maxDepth ?? Number.POSITIVE_INFINITY;
  const matches: GlobMatch[] = [];
  let visited = 0;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: start.path, depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // unreadable to us: we cannot see it, bwrap's ro root does not grant more
    }
    names.sort();
    for (const name of names) {
      if (++visited > limits.entryCap) {
        throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} scans more than ${limits.entryCap} entries`);
      }
      const path = dir === sep ? `${sep}${name}` : `${dir}${sep}${name}`;
      const stat = lstatOrUndefined(path);
      if (!stat) continue;
      if (regex.test(path)) {
        matches.push({ path, stat });
        if (matches.length > limits.matchCap) {
          throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} matches more than ${limits.matchCap} paths`);
        }
        continue;
      }
      if (stat.isDirectory() && depth + 1 < limit) queue.push({ dir: path, depth: depth + 1 });
    }
  }
  return matches;
}
