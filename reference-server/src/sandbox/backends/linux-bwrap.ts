// Linux backend: bubblewrap + a TS-generated seccomp filter.
//   bwrap [--new-session] --die-with-parent --ro-bind / / --dev /dev
//         --bind R R ...                      writable roots, shallowest first
//         --ro-bind R/.git R/.git ...          protected metadata / read-only carve-outs
//         --perms 000 --tmpfs D --remount-ro D | --perms 000 --ro-bind-data 4 F   deny masks
//         --unshare-user --disable-userns --cap-drop ALL --unshare-pid [--unshare-net]
//         --proc /proc --chdir CWD --seccomp 3 -- argv
// fd 3 carries the seccomp program, fd 4 is /dev/null (source of empty masks).
import { childProcess } from "../../util/lazy-builtins.ts";
import { accessSync, closeSync, readlinkSync, constants as fsConstants, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ManagedPlan } from "../../permissions/resolve.ts";
import {
  BACKEND,
  DEFAULT_GLOB_LIMITS,
  depthOf,
  globStart,
  isAtOrUnder,
  isUnder,
  lstatOrUndefined,
  resolveStable,
  walkGlobAsync,
  walkGlobSync,
  type GlobLimits,
  type GlobMatch,
} from "./paths.ts";
import { seccompArchFor, seccompFilterBytes, type SeccompArch } from "./seccomp.ts";
import { SandboxRefusal, type WrapContext, type WrappedCommand } from "./types.ts";

export const SECCOMP_FD = 3;
export const DEVNULL_FD = 4;
/** More masks than this are refused (mount cost grows super-linearly; bwrap caps argv at 9000). */
export const MAX_MASKS = 500;
const BWRAP_MAX_ARGS = 9000;
/** Platform-default readable roots (`:minimal`) for restricted reads. */
export const LINUX_PLATFORM_READ_ROOTS = ["/bin", "/sbin", "/usr", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/nix/store", "/run/current-system/sw"];

export interface BwrapOptions {
  pty: boolean;
  cwd: string;
  /** bwrap >= 0.8 supports --disable-userns. */
  disableUserns: boolean;
  /** false when /proc cannot be mounted (restrictive containers): keep the host's view. */
  procMount: boolean;
  globLimits?: Partial<GlobLimits> | undefined;
  /** Deny-glob walks done beforehand without blocking (scanDenyGlobs); others are walked here. */
  globScans?: ReadonlyMap<string, GlobMatch[]> | undefined;
}

const scanKey = (pattern: string, startDir: string) => `${pattern}\0${startDir}`;

function globLimitsFor(plan: ManagedPlan, overrides: Partial<GlobLimits> | undefined): GlobLimits {
  return { ...DEFAULT_GLOB_LIMITS, ...(plan.globScanMaxDepth == null ? {} : { maxDepth: plan.globScanMaxDepth }), ...overrides };
}

/**
 * Walks every deny glob of `plan` asynchronously, so scanning a large tree does not stall
 * the other connections. buildBwrapArgs re-resolves each glob's start with the
 * plan's writable areas (refusing writable symlinks) and uses a walk only if it started there.
 * Throws SandboxRefusal past the limits.
 */
export async function scanDenyGlobs(plan: ManagedPlan, overrides?: Partial<GlobLimits>): Promise<Map<string, GlobMatch[]>> {
  const limits = globLimitsFor(plan, overrides);
  const scans = new Map<string, GlobMatch[]>();
  for (const pattern of plan.denyGlobs) {
    const start = globStart(pattern, limits, () => false);
    if (start !== undefined) scans.set(scanKey(pattern, start.dir), await walkGlobAsync(pattern, start, limits));
  }
  return scans;
}

export interface BwrapBuild {
  /** bwrap arguments (without the bwrap program), ending with `-- argv...`. */
  args: string[];
  /** Paths bwrap will create on the host as mount points; removed by cleanup. */
  placeholders: string[];
}

const refuse = (detail: string): never => {
  throw new SandboxRefusal("unsupported", BACKEND, detail);
};

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function hasAncestorGit(root: string): boolean {
  for (let d = dirname(root); ; d = dirname(d)) {
    if (lstatOrUndefined(join(d, ".git"))) return true;
    if (d === dirname(d)) return false;
  }
}

/** The bwrap argv for a managed plan. Throws SandboxRefusal for shapes it cannot enforce. */
export function buildBwrapArgs(plan: ManagedPlan, argv: readonly string[], options: BwrapOptions): BwrapBuild {
  if (argv.length === 0) refuse("empty command");
  const args: string[] = [];
  if (!options.pty) args.push("--new-session");
  args.push("--die-with-parent");
  if (plan.fullRead) {
    args.push(plan.fullWrite ? "--bind" : "--ro-bind", "/", "/", "--dev", "/dev");
  } else {
    // Restricted reads: an empty root with only the readable roots bound into it; the
    // root itself is remounted read-only once every mount point exists (below).
    args.push("--tmpfs", "/", "--dev", "/dev");
    const readable = [...plan.readableRoots, ...(plan.includePlatformDefaults ? LINUX_PLATFORM_READ_ROOTS : [])];
    const linked = new Set<string>();
    const bound = new Set<string>();
    for (const r of readable) {
      const st = lstatOrUndefined(r);
      if (st === undefined) continue;
      if (st.isSymbolicLink() && !linked.has(r)) {
        // Keep the link (e.g. /bin -> usr/bin on merged-/usr systems) and bind its target.
        linked.add(r);
        args.push("--symlink", readlinkSync(r), r);
      }
      const real = realOrUndefined(r);
      if (real !== undefined && !bound.has(real)) {
        bound.add(real);
        args.push("--ro-bind", real, real);
      }
    }
  }

  // Writable roots, canonical (bwrap cannot mount onto symlinks), missing ones skipped.
  const rootMap = new Map<string, ManagedPlan["writableRoots"][number]>();
  for (const root of plan.writableRoots) {
    const real = realOrUndefined(root.path);
    if (real !== undefined && !rootMap.has(real)) rootMap.set(real, root);
  }
  const roots = [...rootMap.keys()].sort((a, b) => depthOf(a) - depthOf(b));
  const carveTargets: string[] = []; // read-only paths inside writable roots
  const inWritableRoot = (p: string): boolean => plan.fullWrite || roots.some((r) => isAtOrUnder(p, r));
  // The most specific of (writable root, read-only carve-out) containing p decides.
  const deepest = (xs: readonly string[], p: string): number => Math.max(-1, ...xs.filter((x) => isAtOrUnder(p, x)).map(depthOf));
  const isWritable = (p: string): boolean =>
    plan.fullWrite ? deepest(carveTargets, p) < 0 : deepest(roots, p) > deepest(carveTargets, p);

  const placeholders: string[] = [];
  let masks = 0;
  // Writable binds and read-only carve-outs, emitted together by depth so that a writable
  // root nested inside a carve-out stays writable (the most specific rule wins).
  const mountOps: Array<{ depth: number; args: string[] }> = roots.map((r) => ({ depth: depthOf(r), args: ["--bind", r, r] }));
  const carveArgs: Array<{ depth: number; args: string[] }> = [];
  const addCarve = (path: string, a: string[]) => {
    carveArgs.push({ depth: depthOf(path), args: a });
    carveTargets.push(path);
  };

  for (const real of roots) {
    const root = rootMap.get(real)!;
    const rebase = (p: string) => join(real, relative(root.path, p));
    const targets = [
      ...root.protectedPaths.map((p) => ({ path: rebase(p), metadata: true })),
      ...root.readOnlySubpaths.map((p) => ({ path: rebase(p), metadata: false })),
    ];
    for (const t of targets) {
      if (carveTargets.includes(t.path)) continue;
      const r = resolveStable(t.path, inWritableRoot);
      if (r.exists) {
        // In a scratch root (/tmp, $TMPDIR) metadata is often another sandbox's mount point,
        // gone a moment later: "-try" skips a vanished one (a missing one is not protected there anyway).
        const bind = t.metadata && !root.protectMissing ? "--ro-bind-try" : "--ro-bind";
        addCarve(r.path, [bind, r.path, r.path]);
        if (t.metadata && t.path.endsWith(`${sep}.git`) && r.stat.isFile()) {
          // A `gitdir:` pointer file: protect the git directory it points at too.
          const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(r.path, "utf8"));
          const gitdir = m?.[1] === undefined ? undefined : realOrUndefined(resolve(real, m[1]));
          if (gitdir !== undefined && inWritableRoot(gitdir) && !carveTargets.includes(gitdir)) {
            addCarve(gitdir, ["--ro-bind", gitdir, gitdir]);
          }
        }
        continue;
      }
      if (t.metadata && !root.protectMissing) continue; // scratch roots (/tmp, $TMPDIR): only existing metadata
      if (t.metadata && t.path.endsWith(`${sep}.git`) && hasAncestorGit(real)) continue; // keep parent-repo discovery working
      const missing = r.firstMissing;
      if (missing === undefined || !isWritable(missing)) continue;
      // Mask the first missing component with an empty read-only directory so the
      // sandbox cannot create it; bwrap creates the mount point on the host.
      placeholders.push(missing);
      addCarve(missing, ["--perms", "555", "--tmpfs", missing, "--remount-ro", missing]);
    }
  }
  mountOps.push(...carveArgs);
  mountOps.sort((a, b) => a.depth - b.depth); // stable: a root's bind precedes carve-outs of equal depth
  for (const op of mountOps) args.push(...op.args);

  // Deny-read masks: exact paths, then glob matches.
  const denyTargets = new Map<string, "dir" | "file">();
  const addDeny = (path: string, kind: "dir" | "file") => {
    if (!denyTargets.has(path)) denyTargets.set(path, kind);
  };
  for (const d of plan.denyPaths) {
    const r = resolveStable(d, isWritable);
    const path = r.path;
    if (roots.some((root) => isAtOrUnder(root, path)) || carveTargets.some((c) => isUnder(c, path))) {
      refuse(`deny-read path ${d} contains a writable root or read-only carve-out; this shape is not supported`);
    }
    if (r.exists) addDeny(path, r.stat.isDirectory() ? "dir" : "file");
    else if (r.firstMissing !== undefined && isWritable(r.firstMissing)) {
      placeholders.push(r.firstMissing);
      addDeny(r.firstMissing, "file");
    }
  }
  const limits = globLimitsFor(plan, options.globLimits);
  for (const g of plan.denyGlobs) {
    const start = globStart(g, limits, isWritable);
    const found = start === undefined ? [] : (options.globScans?.get(scanKey(g, start.dir)) ?? walkGlobSync(g, start, limits));
    for (const m of found) {
      let path = m.path;
      let stat = m.stat;
      if (stat.isSymbolicLink()) {
        // bwrap cannot mount onto a symlink: mask its (stable) target instead.
        const r = resolveStable(m.path, isWritable);
        if (!r.exists) continue;
        path = r.path;
        stat = r.stat;
      }
      if (roots.some((root) => isAtOrUnder(root, path))) {
        refuse(`deny-read glob ${g} matches ${path}, which contains a writable root`);
      }
      addDeny(path, stat.isDirectory() ? "dir" : "file");
    }
  }
  // A mask inside a masked directory is both redundant and unmountable.
  const denyDirs = [...denyTargets].filter(([, k]) => k === "dir").map(([p]) => p);
  const denies = [...denyTargets]
    .filter(([p]) => !denyDirs.some((d) => isUnder(p, d)))
    .sort((a, b) => depthOf(a[0]) - depthOf(b[0]));
  for (const [path, kind] of denies) {
    masks++;
    if (kind === "dir") args.push("--perms", "000", "--tmpfs", path, "--remount-ro", path);
    else args.push("--perms", "000", "--ro-bind-data", String(DEVNULL_FD), path);
  }
  masks += carveArgs.length;
  if (masks > MAX_MASKS) refuse(`the policy needs ${masks} mounts; more than ${MAX_MASKS} are not supported`);

  if (!plan.fullRead) {
    if (options.procMount) args.push("--proc", "/proc");
    args.push("--remount-ro", "/");
  }

  args.push("--unshare-user");
  if (options.disableUserns) args.push("--disable-userns");
  // As root the sandbox would otherwise keep every capability (remount / read-write, umount carve-outs).
  args.push("--cap-drop", "ALL", "--unshare-pid");
  if (!plan.network) args.push("--unshare-net");
  if (options.procMount && plan.fullRead) args.push("--proc", "/proc");
  args.push("--chdir", realOrUndefined(options.cwd) ?? options.cwd);
  args.push("--seccomp", String(SECCOMP_FD));
  args.push("--", ...argv);
  if (args.length + 1 > BWRAP_MAX_ARGS) refuse(`the bwrap command line has ${args.length} arguments; bwrap accepts at most ${BWRAP_MAX_ARGS}`);
  return { args, placeholders: [...new Set(placeholders)] };
}

// ---------------------------------------------------------------------------------------
// Host placeholders: bwrap creates missing mount points on the host. Concurrent runs share
// them through a refcount so one run's cleanup cannot unmount another run's mask.

const placeholderRefs = new Map<string, number>();

function acquirePlaceholders(paths: readonly string[]): () => void {
  const mine = paths.filter((p) => placeholderRefs.has(p) || lstatOrUndefined(p) === undefined);
  for (const p of mine) placeholderRefs.set(p, (placeholderRefs.get(p) ?? 0) + 1);
  return () => {
    for (const p of mine) {
      const n = (placeholderRefs.get(p) ?? 1) - 1;
      if (n > 0) {
        placeholderRefs.set(p, n);
        continue;
      }
      placeholderRefs.delete(p);
      const st = lstatOrUndefined(p);
      try {
        if (st?.isDirectory()) rmdirSync(p); // only succeeds when empty
        else if (st?.isFile() && st.size === 0) unlinkSync(p);
      } catch {
        // not empty or already gone: leave it
      }
    }
  };
}

// ---------------------------------------------------------------------------------------
// Wrapping

export interface LinuxProbeOk {
  ok: true;
  bwrapPath: string;
  /** bwrap accepts --disable-userns (0.8 and later). */
  disableUserns: boolean;
  procMount: boolean;
  arch: SeccompArch;
}
export type LinuxProbe = LinuxProbeOk | { ok: false; reason: string };

export interface LinuxWrapOptions {
  globLimits?: Partial<GlobLimits> | undefined;
  globScans?: ReadonlyMap<string, GlobMatch[]> | undefined;
}

/** Wraps argv for a managed plan with a known-good probe. Synchronous; throws SandboxRefusal. */
export function wrapLinuxWithProbe(
  plan: ManagedPlan,
  argv: readonly string[],
  ctx: WrapContext,
  probe: LinuxProbeOk,
  options: LinuxWrapOptions = {},
): WrappedCommand {
  const build = buildBwrapArgs(plan, argv, {
    pty: ctx.pty,
    cwd: ctx.cwd,
    disableUserns: probe.disableUserns,
    procMount: probe.procMount,
    globLimits: options.globLimits,
    globScans: options.globScans,
  });
  const filter = seccompFilterBytes({ arch: probe.arch, networkOff: !plan.network, denyTerminalInjection: ctx.pty });
  const dir = mkdtempSync(join(tmpdir(), "app-server-sandbox-"));
  const filterPath = join(dir, "seccomp.bpf");
  writeFileSync(filterPath, filter, { mode: 0o600 });
  const release = acquirePlaceholders(build.placeholders);
  let done = false;
  const fds: number[] = [];
  const cleanup = () => {
    if (done) return;
    done = true;
    for (const fd of fds) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    rmSync(dir, { recursive: true, force: true });
    release();
  };
  if (ctx.fdPassing === "stdio") {
    try {
      fds.push(openSync(filterPath, "r"), openSync("/dev/null", "r"));
      unlinkSync(filterPath);
    } catch (error) {
      cleanup();
      throw new SandboxRefusal("unavailable", BACKEND, `cannot prepare the seccomp filter: ${(error as Error).message}`);
    }
    return { kind: "wrapped", backend: BACKEND, argv: [probe.bwrapPath, ...build.args], extraFds: [...fds], cleanup };
  }
  // The trampoline opens the filter as fd 3 and /dev/null as fd 4, then execs bwrap. If
  // anything fails the shell exits non-zero: the command never runs unsandboxed.
  const script = `exec ${SECCOMP_FD}<"$1" ${DEVNULL_FD}</dev/null || exit 125; shift; exec "$@"`;
  return {
    kind: "wrapped",
    backend: BACKEND,
    argv: ["/bin/sh", "-c", script, "app-server-sandbox", filterPath, probe.bwrapPath, ...build.args],
    extraFds: [],
    cleanup,
  };
}

// ---------------------------------------------------------------------------------------
// Probe

const USERNS_ERRORS = [
  "setting up uid map: Permission denied",
  "No permissions to create a new namespace",
  "loopback: Failed RTM_NEWADDR",
  "loopback: Failed RTM_NEWLINK",
  "Creating new namespace failed",
];

interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string | undefined;
}

function run(file: string, args: readonly string[], timeoutMs = 5_000): Promise<Exec> {
  return new Promise((res) => {
    childProcess().execFile(file, [...args], { timeout: timeoutMs, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : null) : 0;
      res({ code, stdout, stderr, error: error && code === null ? error.message : undefined });
    });
  });
}

function executable(p: string): boolean {
  try {
    accessSync(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** bwrap by absolute path; PATH entries under the current directory are skipped so a
 *  workspace cannot shadow it. */
export function findBwrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const cwd = process.cwd();
  const candidates = ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"];
  for (const dir of (env.PATH ?? "").split(":")) {
    if (dir === "" || !isAbsolute(dir) || isAtOrUnder(resolve(dir), cwd)) continue;
    candidates.push(join(dir, "bwrap"));
  }
  return candidates.find(executable);
}

const TRUE = ["/bin/true", "/usr/bin/true"].find(executable) ?? "/bin/true";

/** Runs the full wrapping path once with `cat /proc/self/status` and checks that seccomp is
 *  active (mode 2) and the capability set is empty. */
async function seccompSelfTest(probe: LinuxProbeOk): Promise<string | undefined> {
  const cat = ["/bin/cat", "/usr/bin/cat"].find(executable);
  if (cat === undefined) return "seccomp self-test: cat not found";
  const plan: ManagedPlan = {
    kind: "managed",
    network: false,
    fullRead: true,
    readableRoots: [],
    includePlatformDefaults: false,
    fullWrite: false,
    writableRoots: [],
    denyPaths: [],
    denyGlobs: [],
    globScanMaxDepth: null,
    sandboxCwd: "/",
  };
  let wrapped: WrappedCommand;
  try {
    wrapped = wrapLinuxWithProbe(plan, [cat, "/proc/self/status"], { cwd: "/", pty: false, env: {} }, probe);
  } catch (error) {
    return `seccomp self-test: ${(error as Error).message}`;
  }
  try {
    const [file, ...args] = wrapped.argv;
    const r = await run(file!, args);
    if (r.code !== 0) return `seccomp self-test failed (exit ${r.code ?? r.error}): ${r.stderr.trim()}`;
    const seccomp = /^Seccomp:\s*(\d+)/m.exec(r.stdout)?.[1];
    const capEff = /^CapEff:\s*([0-9a-f]+)/m.exec(r.stdout)?.[1];
    if (seccomp !== "2") return `seccomp self-test: filter not active inside the sandbox (Seccomp: ${seccomp ?? "?"})`;
    if (capEff === undefined || !/^0+$/.test(capEff)) return `seccomp self-test: capabilities not dropped (CapEff: ${capEff ?? "?"})`;
    return undefined;
  } finally {
    wrapped.cleanup();
  }
}

/**
 * Checks that bwrap can run the sandbox as wrapLinuxWithProbe builds it. The happy path is
 * one process: the seccomp self-test with every option on (`--disable-userns`, `--proc`),
 * which also proves that user, pid and network namespaces work. Only when it fails do the
 * separate checks run, to learn which option to drop (an older bwrap, a container that
 * cannot mount /proc) or to explain the failure; the options kept must then pass the
 * self-test again. Nothing is accepted without a passing self-test.
 */
export async function probeLinuxSandboxUncached(
  env: NodeJS.ProcessEnv = process.env,
  bwrapPath: string | null = findBwrap(env) ?? null, // null: none (tests)
): Promise<LinuxProbe> {
  if (process.platform !== "linux") return { ok: false, reason: `not Linux (${process.platform})` };
  const arch = seccompArchFor(process.arch);
  if (arch === undefined) return { ok: false, reason: `no seccomp syscall table for architecture ${process.arch}` };
  if (bwrapPath === null) return { ok: false, reason: "bubblewrap (bwrap) is not installed" };
  const optimistic: LinuxProbeOk = { ok: true, bwrapPath, disableUserns: true, procMount: true, arch };
  if ((await seccompSelfTest(optimistic)) === undefined) return optimistic;
  return probeStepByStep(bwrapPath, arch);
}

/** The slow path: one check a process, each explaining its own failure. */
async function probeStepByStep(bwrapPath: string, arch: SeccompArch): Promise<LinuxProbe> {
  const v = await run(bwrapPath, ["--version"]);
  const version = /(\d+\.\d+(?:\.\d+)?)/.exec(v.stdout)?.[1];
  if (v.code !== 0 || version === undefined) return { ok: false, reason: `${bwrapPath} --version failed: ${(v.stderr || v.error || "").trim()}` };
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const disableUserns = major > 0 || minor >= 8; // bwrap >= 0.8 has --disable-userns
  const userns = await run(bwrapPath, ["--unshare-user", "--unshare-net", "--ro-bind", "/", "/", "--", TRUE]);
  if (userns.code !== 0) {
    const known = USERNS_ERRORS.find((m) => userns.stderr.includes(m));
    return {
      ok: false,
      reason: known
        ? `user namespaces are not available to bwrap (${known})`
        : `bwrap cannot create a sandbox: ${(userns.stderr || userns.error || `exit ${userns.code}`).trim()}`,
    };
  }
  const proc = await run(bwrapPath, ["--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "--", TRUE]);
  const probe: LinuxProbeOk = { ok: true, bwrapPath, disableUserns, procMount: proc.code === 0, arch };
  const selfTest = await seccompSelfTest(probe);
  if (selfTest !== undefined) return { ok: false, reason: selfTest };
  return probe;
}

let cachedProbe: Promise<LinuxProbe> | undefined;

/** Checks once per process that bwrap exists, user namespaces work and the seccomp
 *  self-test passes. A failed probe makes every managed policy refuse. */
export function probeLinuxSandbox(): Promise<LinuxProbe> {
  cachedProbe ??= probeLinuxSandboxUncached();
  return cachedProbe;
}

/** For tests. */
export function resetLinuxSandboxProbe(): void {
  cachedProbe = undefined;
}
