// macOS backend: a pure Seatbelt (SBPL) profile generator and the `sandbox-exec` argv.
// Paths never appear in the policy text; they travel as `-D NAME=value` parameters.
// Golden-tested on Linux with an injected canonicaliser; only spawning is darwin-only.
import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { globStaticPrefix, globToRegexSource, hasGlobChars } from "../../permissions/glob.ts";
import type { ManagedPlan } from "../../permissions/resolve.ts";
import { SandboxRefusal, type WrapContext, type WrappedCommand } from "./types.ts";

export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";
const BACKEND = "macos-seatbelt";

/** Our own curated base policy (deny by default; process, sysctl, PTY and IPC basics). */
export const SEATBELT_BASE_POLICY = `(version 1)
(deny default)
; processes
(allow process-exec)
(allow process-fork)
(allow signal (target same-sandbox))
(allow process-info* (target same-sandbox))
; system information
(allow sysctl-read
  (sysctl-name-prefix "hw.")
  (sysctl-name-prefix "kern.")
  (sysctl-name "machdep.cpu.brand_string")
  (sysctl-name "sysctl.proc_cputype")
  (sysctl-name "vm.loadavg"))
(allow user-preference-read)
(allow mach-lookup
  (global-name "com.apple.cfprefsd.daemon")
  (global-name "com.apple.cfprefsd.agent")
  (global-name "com.apple.system.opendirectoryd.libinfo"))
(allow ipc-posix-sem)
; terminals
(allow pseudo-tty)
(allow file-read* file-write* file-ioctl (literal "/dev/ptmx"))
(allow file-read* file-write* file-ioctl (regex #"^/dev/ttys[0-9]+$"))
(allow file-write-data (literal "/dev/null"))
`;

/** Platform-default readable roots for restricted reads (`:minimal`). */
export const SEATBELT_PLATFORM_READ_ROOTS = [
  "/System",
  "/usr/lib",
  "/usr/share",
  "/usr/bin",
  "/bin",
  "/sbin",
  "/etc",
  "/private/etc",
  "/dev",
  "/Library/Apple",
];

export const SEATBELT_NETWORK_POLICY = `(allow network-outbound)
(allow network-inbound)
(allow system-socket)
(allow mach-lookup
  (global-name "com.apple.SystemConfiguration.DNSConfiguration")
  (global-name "com.apple.SystemConfiguration.configd")
  (global-name "com.apple.trustd.agent")
  (global-name "com.apple.ocspd")
  (global-name "com.apple.SecurityServer")
  (global-name "com.apple.networkd"))
(allow sysctl-read (sysctl-name-prefix "net.routetable"))
`;

export interface SeatbeltProfile {
  policy: string;
  /** Ordered parameters: read roots, then write roots. */
  params: Array<[string, string]>;
}

export type Canonicalize = (path: string) => string;

/** realpath, or realpath of the deepest existing ancestor plus the rest (for missing paths). */
export function canonicalizeOnHost(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(canonicalizeOnHost(parent), basename(path));
  }
}

const isUnder = (child: string, parent: string): boolean =>
  parent === "/" ? child !== "/" && child.startsWith("/") : child.startsWith(`${parent}/`);
const atOrUnder = (child: string, parent: string) => child === parent || isUnder(child, parent);

// `#"..."` is a raw string in SBPL: only the quote needs escaping.
const quoteRegex = (source: string): string => source.replaceAll(`"`, `\\"`);

function component(prefix: string, root: string, excluded: readonly string[], params: Array<[string, string]>): string {
  params.push([prefix, root]);
  if (excluded.length === 0) return `(subpath (param "${prefix}"))`;
  const parts = [`(subpath (param "${prefix}"))`];
  excluded.forEach((path, j) => {
    const name = `${prefix}_EXCLUDED_${j}`;
    params.push([name, path]);
    parts.push(`(require-not (literal (param "${name}")))`, `(require-not (subpath (param "${name}")))`);
  });
  return `(require-all ${parts.join(" ")})`;
}

/** Generates the profile for a managed plan. `canonicalize` must return absolute paths. */
export function seatbeltProfile(plan: ManagedPlan, canonicalize: Canonicalize = canonicalizeOnHost): SeatbeltProfile {
  const canon = (p: string): string => {
    if (!isAbsolute(p)) throw new SandboxRefusal("unsupported", BACKEND, `sandbox path ${p} is not absolute`);
    const c = canonicalize(p);
    if (!isAbsolute(c)) throw new SandboxRefusal("unsupported", BACKEND, `canonical path ${c} is not absolute`);
    return c;
  };
  const dedupe = (xs: string[]) => [...new Set(xs)];
  const params: Array<[string, string]> = [];
  const denies = dedupe(plan.denyPaths.map(canon));
  const writable = plan.fullWrite ? ["/"] : dedupe(plan.writableRoots.map((r) => canon(r.path)));
  const readOnlyOf = (root: string): string[] => {
    if (plan.fullWrite) return [];
    const entry = plan.writableRoots.find((r) => canon(r.path) === root);
    return dedupe([...(entry?.protectedPaths ?? []), ...(entry?.readOnlySubpaths ?? [])].map(canon));
  };

  let text = SEATBELT_BASE_POLICY;
  // Read
  const readRoots = plan.fullRead
    ? ["/"]
    : dedupe([...plan.readableRoots.map(canon), ...writable, ...(plan.includePlatformDefaults ? SEATBELT_PLATFORM_READ_ROOTS : [])]);
  text += "; allow read-only file operations\n";
  if (plan.fullRead && denies.length === 0) {
    text += "(allow file-read*)\n";
  } else {
    const parts = readRoots.map((root, i) => component(`READABLE_ROOT_${i}`, root, denies.filter((d) => atOrUnder(d, root)), params));
    text += `(allow file-read*\n${parts.join(" ")}\n)\n`;
  }
  // Write
  if (plan.fullWrite && denies.length === 0) {
    text += '(allow file-write* (regex #"^/"))\n';
  } else if (writable.length > 0) {
    const parts = writable.map((root, i) =>
      component(`WRITABLE_ROOT_${i}`, root, dedupe([...readOnlyOf(root), ...denies.filter((d) => atOrUnder(d, root))]), params),
    );
    text += `(allow file-write*\n${parts.join(" ")}\n)\n`;
  }
  // Deny globs (after the allows: in SBPL the last matching rule wins)
  for (const glob of plan.denyGlobs) {
    const variants = [glob];
    const prefix = globStaticPrefix(glob);
    if (prefix !== "" && hasGlobChars(glob)) {
      const canonPrefix = canon(prefix);
      if (canonPrefix !== prefix) variants.push(canonPrefix + glob.slice(prefix.length));
    }
    for (const v of variants) {
      const re = quoteRegex(globToRegexSource(v));
      text += `(deny file-read* (regex #"${re}"))\n(deny file-write-unlink (regex #"${re}"))\n`;
    }
  }
  // Network
  if (plan.network) text += SEATBELT_NETWORK_POLICY;
  return { policy: text, params };
}

export function seatbeltArgv(plan: ManagedPlan, argv: readonly string[], canonicalize?: Canonicalize): string[] {
  const { policy, params } = seatbeltProfile(plan, canonicalize);
  return [SANDBOX_EXEC, "-p", policy, ...params.map(([k, v]) => `-D${k}=${v}`), "--", ...argv];
}

/** The darwin wrapper; refuses elsewhere (Seatbelt is never emulated). */
export function wrapSeatbelt(plan: ManagedPlan, argv: readonly string[], _ctx: WrapContext, platform: NodeJS.Platform = process.platform): WrappedCommand {
  if (platform !== "darwin") throw new SandboxRefusal("unavailable", BACKEND, `Seatbelt is only available on macOS (this is ${platform})`);
  return { kind: "wrapped", backend: BACKEND, argv: seatbeltArgv(plan, argv), extraFds: [], cleanup() {} };
}
