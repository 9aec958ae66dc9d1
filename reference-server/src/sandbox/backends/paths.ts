// Filesystem helpers for the Linux backend: symlink-aware path resolution and the bounded
// deny-glob walk. Everything that can be evaded (symlinks the sandbox can swap, unbounded
// scans) fails closed with a SandboxRefusal.
import { lstatSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { fsPromises } from "../../util/lazy-builtins.ts";
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
  /** Wall-clock time per pattern of an asynchronous scan before failing closed. */
  timeMs: number;
}

export const DEFAULT_GLOB_LIMITS: GlobLimits = { maxDepth: null, entryCap: 100_000, matchCap: 500, timeMs: 10_000 };

export interface GlobMatch {
  path: string;
  stat: Stats;
}

/** One filesystem read the glob walk needs; drivers answer it synchronously or not. */
type WalkIo = { op: "readdir"; path: string } | { op: "lstat"; path: string };

/** Where a deny glob's walk starts, or undefined when its literal prefix is not a directory. */
export interface GlobStart {
  dir: string;
  regex: RegExp;
  depthLimit: number;
}

/** Resolves a deny glob's literal prefix (cheap; refuses root-level scans and writable symlinks). */
export function globStart(pattern: string, limits: GlobLimits, isWritable: (p: string) => boolean): GlobStart | undefined {
  const prefix = globStaticPrefix(pattern);
  if (prefix === "" || prefix === sep) {
    throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} has no directory prefix; a root-level scan is not enforced`);
  }
  const start = resolveStable(prefix, isWritable);
  if (!start.exists || !start.stat.isDirectory()) return undefined;
  const rest = pattern.slice(prefix.length);
  const componentDepth = globComponentDepth(pattern);
  return { dir: start.path, regex: compileGlob(start.path + rest), depthLimit: componentDepth ?? limits.maxDepth ?? Number.POSITIVE_INFINITY };
}

/**
 * The walk itself, as a generator of filesystem reads: breadth-first from the start with
 * lstat/readdir, includes dotfiles, ignores .gitignore, never follows symlinked directories.
 */
function* walkGlob(pattern: string, start: GlobStart, limits: GlobLimits): Generator<WalkIo, GlobMatch[], unknown> {
  const matches: GlobMatch[] = [];
  let visited = 0;
  const queue: Array<{ dir: string; depth: number }> = [{ dir: start.dir, depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    const names = (yield { op: "readdir", path: dir }) as string[] | undefined;
    if (names === undefined) continue; // unreadable to us: we cannot see it, bwrap's ro root does not grant more
    names.sort();
    for (const name of names) {
      if (++visited > limits.entryCap) {
        throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} scans more than ${limits.entryCap} entries`);
      }
      const path = dir === sep ? `${sep}${name}` : `${dir}${sep}${name}`;
      const stat = (yield { op: "lstat", path }) as Stats | undefined;
      if (!stat) continue;
      if (start.regex.test(path)) {
        matches.push({ path, stat });
        if (matches.length > limits.matchCap) {
          throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} matches more than ${limits.matchCap} paths`);
        }
        continue;
      }
      if (stat.isDirectory() && depth + 1 < start.depthLimit) queue.push({ dir: path, depth: depth + 1 });
    }
  }
  return matches;
}

function readdirOrUndefined(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

/** Expands a deny glob at spawn time, synchronously. */
export function expandDenyGlob(pattern: string, limits: GlobLimits, isWritable: (p: string) => boolean): GlobMatch[] {
  const start = globStart(pattern, limits, isWritable);
  return start === undefined ? [] : walkGlobSync(pattern, start, limits);
}

export function walkGlobSync(pattern: string, start: GlobStart, limits: GlobLimits): GlobMatch[] {
  const walk = walkGlob(pattern, start, limits);
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    step = walk.next(step.value.op === "readdir" ? readdirOrUndefined(step.value.path) : lstatOrUndefined(step.value.path));
  }
}

/**
 * The same walk without blocking the event loop (other connections keep being served
 * while a large tree is scanned), bounded by `limits.timeMs` besides the entry and match caps.
 */
export async function walkGlobAsync(pattern: string, start: GlobStart, limits: GlobLimits): Promise<GlobMatch[]> {
  const deadline = Date.now() + limits.timeMs;
  const walk = walkGlob(pattern, start, limits);
  for (let step = walk.next(); ; ) {
    if (step.done) return step.value;
    if (Date.now() > deadline) {
      throw new SandboxRefusal("unsupported", BACKEND, `deny-read glob ${pattern} takes longer than ${limits.timeMs} ms to scan`);
    }
    const io = step.value;
    const answer = io.op === "readdir" ? await fsPromises().readdir(io.path).catch(() => undefined) : await fsPromises().lstat(io.path).catch(() => undefined);
    step = walk.next(answer);
  }
}
