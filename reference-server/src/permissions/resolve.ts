// Permission resolution for one command: (configured permissions, optional overrides, cwds)
// -> an effective SandboxPlan with concrete absolute paths, or a typed error. Pure.
import { isAbsolute, normalize, resolve, sep } from "node:path";
import type { FileSystemSandboxEntry, PermissionProfile, SandboxPolicy } from "../../../schema/src/index.ts";
import { hasGlobChars, validateGlob } from "./glob.ts";
import {
  applyConfiguredDenies,
  configuredDeniesOf,
  legacyToProfile,
  legacyToSplit,
  profileToSplit,
  splitToProfile,
  type ConfiguredDenies,
  type SplitPolicy,
} from "./model.ts";

// ---------------------------------------------------------------------------------------
// Profiles

export interface NamedProfile {
  id: string;
  description: string | null;
  profile: PermissionProfile;
}

export const BUILTIN_PROFILES: readonly NamedProfile[] = [
  { id: ":read-only", description: null, profile: legacyToProfile({ type: "readOnly", networkAccess: false }) },
  {
    id: ":workspace",
    description: null,
    profile: legacyToProfile({
      type: "workspaceWrite",
      writableRoots: [],
      networkAccess: false,
      excludeSlashTmp: false,
      excludeTmpdirEnvVar: false,
    }),
  },
  { id: ":danger-full-access", description: null, profile: { type: "disabled" } },
];

/** The permission part of the server configuration (see config.ts for the file format). */
export interface PermissionsConfig {
  /** Profile id used when a command gives no override. */
  defaultPermissions: string;
  /** User-defined profiles, in file order. Ids never start with ':'. */
  profiles: readonly NamedProfile[];
  /** Glob scan depth for profiles that set none. */
  globScanMaxDepth?: number | undefined;
}

/** Without a config file command/exec runs read-only with the network off, as upstream. */
export const DEFAULT_PERMISSIONS_CONFIG: PermissionsConfig = { defaultPermissions: ":read-only", profiles: [] };

export interface ProfileSummary {
  id: string;
  description: string | null;
  allowed: boolean;
}

/** `permissionProfile/list` data: the built-ins in upstream order, then user profiles. */
export function listPermissionProfiles(config: PermissionsConfig = DEFAULT_PERMISSIONS_CONFIG): ProfileSummary[] {
  return [...BUILTIN_PROFILES, ...config.profiles].map((p) => ({ id: p.id, description: p.description, allowed: true }));
}

export function lookupProfile(config: PermissionsConfig, id: string): { ok: true; profile: NamedProfile } | { ok: false; detail: string } {
  const found = [...BUILTIN_PROFILES, ...config.profiles].find((p) => p.id === id);
  if (found) return { ok: true, profile: found };
  if (id.startsWith(":")) return { ok: false, detail: `default_permissions refers to unknown built-in profile \`${id}\`` };
  if (config.profiles.length === 0) return { ok: false, detail: "default_permissions requires a `[permissions]` table" };
  return { ok: false, detail: `default_permissions refers to undefined profile \`${id}\`` };
}

/** The deny entries and glob depth of the configured default profile: no override drops them. */
export function configuredDenies(config: PermissionsConfig): ConfiguredDenies {
  const found = lookupProfile(config, config.defaultPermissions);
  if (!found.ok) return { entries: [], globScanMaxDepth: config.globScanMaxDepth };
  const denies = configuredDeniesOf(profileToSplit(found.profile.profile).fileSystem);
  return { entries: denies.entries, globScanMaxDepth: denies.globScanMaxDepth ?? config.globScanMaxDepth };
}

// ---------------------------------------------------------------------------------------
// Plans

export interface WritableRoot {
  /** Absolute, lexically normalised. */
  path: string;
  /** Explicit `read` entries strictly inside this root: kept read-only. */
  readOnlySubpaths: string[];
  /** Protected metadata paths (`.git`, `.agents`, `.codex`) inside this root, kept
   *  read-only even when missing unless an explicit `write` entry names them. */
  protectedPaths: string[];
  /** Protect the metadata names even when they do not exist yet (needs a host
   *  placeholder on Linux). False for roots that only come from `tmpdir`/`slash_tmp`:
   *  scratch space where only existing metadata is protected. */
  protectMissing: boolean;
}

export interface ManagedPlan {
  kind: "managed";
  network: boolean;
  /** `/` is readable. When false only `readableRoots`, the writable roots and (with
   *  `includePlatformDefaults`) the platform's system directories are. */
  fullRead: boolean;
  /** Read-only roots outside every writable root (empty when `fullRead`). */
  readableRoots: string[];
  includePlatformDefaults: boolean;
  /** `/` is writable (full-disk write; denies may still apply). */
  fullWrite: boolean;
  writableRoots: WritableRoot[];
  /** Exact deny-read paths (absolute). */
  denyPaths: string[];
  /** Deny-read globs, absolute. */
  denyGlobs: string[];
  globScanMaxDepth: number | null;
  /** The root against which project roots were resolved. */
  sandboxCwd: string;
}

export type SandboxPlan = { kind: "none" } | { kind: "external"; network: boolean } | ManagedPlan;

export const PROTECTED_METADATA_NAMES = [".git", ".agents", ".codex"] as const;

export type PermissionErrorKind = "invalidPermissionProfile" | "invalidSandboxPolicy";

export class PermissionError extends Error {
  constructor(
    readonly kind: PermissionErrorKind,
    readonly detail: string,
  ) {
    super(kind === "invalidPermissionProfile" ? `invalid permission profile: ${detail}` : `invalid sandbox policy: ${detail}`);
    this.name = "PermissionError";
  }
}

export interface PlanEnv {
  /** `$TMPDIR` as the child will see it (ignored unless absolute). */
  TMPDIR?: string | undefined;
}

const isUnder = (child: string, parent: string): boolean =>
  parent === sep ? child !== sep && child.startsWith(sep) : child.startsWith(parent + sep);

type ConcreteTarget = { kind: "path"; path: string } | { kind: "glob"; pattern: string } | { kind: "minimal" } | { kind: "skip" };

function concreteTarget(entry: FileSystemSandboxEntry, sandboxCwd: string, env: PlanEnv): ConcreteTarget | string {
  const p = entry.path;
  switch (p.type) {
    case "path":
      if (!isAbsolute(p.path)) return `filesystem path \`${p.path}\` must be absolute`;
      return { kind: "path", path: normalize(p.path) };
    case "glob_pattern": {
      const invalid = validateGlob(p.pattern);
      if (invalid) return invalid;
      if (entry.access !== "deny") return `glob pattern \`${p.pattern}\` only supports deny access`;
      const pattern = isAbsolute(p.pattern) ? p.pattern : `${sandboxCwd.replace(/\/+$/, "")}/${p.pattern}`;
      if (!hasGlobChars(pattern)) return { kind: "path", path: normalize(pattern) };
      return { kind: "glob", pattern };
    }
    case "special": {
      const v = p.value;
      switch (v.kind) {
        case "root":
          return { kind: "path", path: sep };
        case "minimal":
          return entry.access === "read" ? { kind: "minimal" } : { kind: "skip" };
        case "project_roots": {
          const sub = v.subpath ?? null;
          if (sub !== null && isAbsolute(sub)) return `project_roots subpath \`${sub}\` must be relative`;
          const path = sub === null ? normalize(sandboxCwd) : resolve(sandboxCwd, sub);
          if (path !== normalize(sandboxCwd) && !isUnder(path, normalize(sandboxCwd))) {
            return `project_roots subpath \`${sub}\` escapes the project root`;
          }
          return { kind: "path", path };
        }
        case "tmpdir": {
          const t = env.TMPDIR;
          return t !== undefined && t !== "" && isAbsolute(t) ? { kind: "path", path: normalize(t) } : { kind: "skip" };
        }
        case "slash_tmp":
          return sep === "/" ? { kind: "path", path: "/tmp" } : { kind: "skip" };
        case "unknown":
          // Unknown tokens are ignored for read/write (that only narrows access), but a deny
          // we cannot place must not be silently dropped.
          if (entry.access === "deny") return `cannot enforce deny on unknown special path \`${v.path}\``;
          return { kind: "skip" };
      }
    }
  }
}

const RANK = { read: 0, write: 1, deny: 2 } as const;

/** Resolves a managed filesystem policy to concrete rules. Returns an error detail string on failure. */
export function concretizeManaged(split: SplitPolicy, sandboxCwd: string, env: PlanEnv = {}): ManagedPlan | string {
  const network = split.network === "enabled";
  const base: ManagedPlan = {
    kind: "managed",
    network,
    fullRead: true,
    readableRoots: [],
    includePlatformDefaults: false,
    fullWrite: true,
    writableRoots: [],
    denyPaths: [],
    denyGlobs: [],
    globScanMaxDepth: null,
    sandboxCwd: normalize(sandboxCwd),
  };
  const fs = split.fileSystem;
  if (fs.kind !== "restricted") return base;
  // Strongest access per exact path (deny > write > read), first-seen order kept.
  const byPath = new Map<string, "read" | "write" | "deny">();
  const nonScratchWrites = new Set<string>();
  const globs: string[] = [];
  let minimal = false;
  for (const entry of fs.entries) {
    const t = concreteTarget(entry, sandboxCwd, env);
    if (typeof t === "string") return t;
    if (t.kind === "skip") continue;
    if (t.kind === "minimal") {
      minimal = true;
      continue;
    }
    if (t.kind === "glob") {
      if (!globs.includes(t.pattern)) globs.push(t.pattern);
      continue;
    }
    const scratch = entry.path.type === "special" && (entry.path.value.kind === "tmpdir" || entry.path.value.kind === "slash_tmp");
    if (entry.access === "write" && !scratch) nonScratchWrites.add(t.path);
    const prev = byPath.get(t.path);
    if (prev === undefined || RANK[entry.access] > RANK[prev]) byPath.set(t.path, entry.access);
  }
  const root = byPath.get(sep);
  const fullWrite = root === "write";
  const fullRead = root === "read" || root === "write";
  const writes = [...byPath].filter(([p, a]) => a === "write" && p !== sep).map(([p]) => p);
  const reads = [...byPath].filter(([p, a]) => a === "read" && p !== sep).map(([p]) => p);
  const denies = [...byPath].filter(([, a]) => a === "deny").map(([p]) => p);
  if (denies.includes(sep)) return "a deny entry for the filesystem root leaves nothing readable";
  const writableRoots: WritableRoot[] = fullWrite
    ? []
    : writes.map((w) => ({
        path: w,
        readOnlySubpaths: reads.filter((r) => isUnder(r, w)),
        protectedPaths: PROTECTED_METADATA_NAMES.map((n) => `${w === sep ? "" : w}/${n}`).filter((p) => byPath.get(p) !== "write"),
        protectMissing: nonScratchWrites.has(w),
      }));
  return {
    ...base,
    fullRead,
    fullWrite,
    readableRoots: fullRead ? [] : reads.filter((r) => !writes.some((w) => r === w || isUnder(r, w))),
    includePlatformDefaults: !fullRead && minimal,
    writableRoots,
    denyPaths: denies,
    denyGlobs: globs,
    globScanMaxDepth: fs.globScanMaxDepth ?? null,
  };
}

export function planFromSplit(split: SplitPolicy, sandboxCwd: string, env: PlanEnv = {}): SandboxPlan | string {
  if (split.enforcement === "disabled" && split.fileSystem.kind === "unrestricted") return { kind: "none" };
  if (split.enforcement === "external" || split.fileSystem.kind === "external-sandbox") {
    return { kind: "external", network: split.network === "enabled" };
  }
  return concretizeManaged(split, sandboxCwd, env);
}

// ---------------------------------------------------------------------------------------
// Command resolution

export interface CommandPermissionRequest {
  sandboxPolicy?: SandboxPolicy | null | undefined;
  /** A profile id (G-new) or an inline profile (this project's extension / G-124). */
  permissionProfile?: string | PermissionProfile | null | undefined;
  /** The server's cwd: the sandbox root for the default and for `sandboxPolicy`. */
  serverCwd: string;
  /** The command's resolved absolute cwd: the sandbox root with `permissionProfile`. */
  commandCwd: string;
  env?: PlanEnv | undefined;
}

export interface ResolvedPermissions {
  plan: SandboxPlan;
  /** The effective profile after deny preservation. */
  profile: PermissionProfile;
  sandboxCwd: string;
  source: "default" | "sandboxPolicy" | "permissionProfile";
}

export type ResolveResult = { ok: true; value: ResolvedPermissions } | { ok: false; error: PermissionError };

const err = (kind: PermissionErrorKind, detail: string): ResolveResult => ({ ok: false, error: new PermissionError(kind, detail) });

export function resolveCommandPermissions(
  config: PermissionsConfig,
  request: CommandPermissionRequest,
): ResolveResult {
  const profileOverride = request.permissionProfile ?? null;
  const policyOverride = request.sandboxPolicy ?? null;
  let kind: PermissionErrorKind = "invalidPermissionProfile";
  let source: ResolvedPermissions["source"];
  let split: SplitPolicy;
  let sandboxCwd: string;
  if (profileOverride !== null) {
    if (policyOverride !== null) return err(kind, "`permissionProfile` cannot be combined with `sandboxPolicy`");
    source = "permissionProfile";
    sandboxCwd = request.commandCwd;
    if (typeof profileOverride === "string") {
      const found = lookupProfile(config, profileOverride);
      if (!found.ok) return err(kind, found.detail);
      split = profileToSplit(found.profile.profile);
    } else {
      split = profileToSplit(profileOverride);
    }
  } else if (policyOverride !== null) {
    kind = "invalidSandboxPolicy";
    source = "sandboxPolicy";
    sandboxCwd = request.serverCwd;
    split = legacyToSplit(policyOverride);
  } else {
    source = "default";
    sandboxCwd = request.serverCwd;
    const found = lookupProfile(config, config.defaultPermissions);
    if (!found.ok) return err(kind, found.detail);
    split = profileToSplit(found.profile.profile);
  }
  const applied = applyConfiguredDenies(split, configuredDenies(config));
  if (!applied.ok) return err(kind, applied.detail);
  const plan = planFromSplit(applied.split, sandboxCwd, request.env ?? {});
  if (typeof plan === "string") return err(kind, plan);
  return { ok: true, value: { plan, profile: splitToProfile(applied.split), sandboxCwd, source } };
}
