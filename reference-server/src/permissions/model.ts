// The permission policy model: the legacy SandboxPolicy, the split runtime form
// (enforcement + filesystem policy + network policy) and the wire PermissionProfile,
// with the projections between them and deny-read preservation. Pure: no I/O.
import type {
  FileSystemSandboxEntry,
  PermissionProfile,
  SandboxPolicy,
} from "../../../schema/src/index.ts";

export type Enforcement = "managed" | "disabled" | "external";
export type NetworkPolicy = "restricted" | "enabled";

/** Core filesystem policy (upstream `FileSystemSandboxPolicy`). */
export type FileSystemPolicy =
  | { kind: "restricted"; entries: FileSystemSandboxEntry[]; globScanMaxDepth?: number | undefined }
  | { kind: "unrestricted" }
  | { kind: "external-sandbox" };

/** The runtime split form of a permission setting. */
export interface SplitPolicy {
  enforcement: Enforcement;
  fileSystem: FileSystemPolicy;
  network: NetworkPolicy;
}

// ---------------------------------------------------------------------------------------
// Entry helpers

export const rootEntry = (access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind: "root" } },
  access,
});
export const projectRootsEntry = (access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind: "project_roots", subpath: null } },
  access,
});
const specialEntry = (kind: "tmpdir" | "slash_tmp", access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind } },
  access,
});
const pathEntry = (path: string, access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "path", path },
  access,
});

/** A canonical key for exact entry equality (key order and `subpath` absence normalised). */
export function entryKey(entry: FileSystemSandboxEntry): string {
  const p = entry.path;
  let path: string;
  switch (p.type) {
    case "path":
      path = JSON.stringify(["path", p.path]);
      break;
    case "glob_pattern":
      path = JSON.stringify(["glob", p.pattern]);
      break;
    case "special": {
      const v = p.value;
      const subpath = "subpath" in v ? (v.subpath ?? null) : null;
      path = JSON.stringify(["special", v.kind, v.kind === "unknown" ? v.path : null, subpath]);
      break;
    }
  }
  return `${path}:${entry.access}`;
}


function isSpecial(entry: FileSystemSandboxEntry, kind: string): boolean {
  return entry.path.type === "special" && entry.path.value.kind === kind;
}
function isPlainProjectRoots(entry: FileSystemSandboxEntry): boolean {
  const p = entry.path;
  return p.type === "special" && p.value.kind === "project_roots" && (p.value.subpath ?? null) === null;
}

// ---------------------------------------------------------------------------------------
// Legacy -> split -> profile

/** Upstream's legacy projection (§8.1). Carve-outs for `.git`/`.agents`/`.codex` are added
 *  later, when the policy is resolved against concrete writable roots. */
export function legacyToSplit(policy: SandboxPolicy): SplitPolicy {
  switch (policy.type) {
    case "dangerFullAccess":
      return { enforcement: "disabled", fileSystem: { kind: "unrestricted" }, network: "enabled" };
    case "externalSandbox":
      return { enforcement: "external", fileSystem: { kind: "external-sandbox" }, network: policy.networkAccess ?? "restricted" };
    case "readOnly":
      return {
        enforcement: "managed",
        fileSystem: { kind: "restricted", entries: [rootEntry("read")] },
        network: policy.networkAccess === true ? "enabled" : "restricted",
      };
    case "workspaceWrite": {
      const entries: FileSystemSandboxEntry[] = [rootEntry("read"), projectRootsEntry("write")];
      if (policy.excludeSlashTmp !== true) entries.push(specialEntry("slash_tmp", "write"));
      if (policy.excludeTmpdirEnvVar !== true) entries.push(specialEntry("tmpdir", "write"));
      for (const root of policy.writableRoots ?? []) entries.push(pathEntry(root, "write"));
      return {
        enforcement: "managed",
        fileSystem: { kind: "restricted", entries },
        network: policy.networkAccess === true ? "enabled" : "restricted",
      };
    }
  }
}

/** §8.2 split -> profile. */
export function splitToProfile(split: SplitPolicy): PermissionProfile {
  const network = { enabled: split.network === "enabled" };
  const fs = split.fileSystem;
  if (fs.kind === "external-sandbox") return { type: "external", network };
  if (fs.kind === "unrestricted" && split.enforcement === "disabled") return { type: "disabled" };
  if (fs.kind === "unrestricted") return { type: "managed", fileSystem: { type: "unrestricted" }, network };
  return {
    type: "managed",
    fileSystem: {
      type: "restricted",
      entries: fs.entries.map((e) => structuredClone(e)),
      ...(fs.globScanMaxDepth == null ? {} : { globScanMaxDepth: fs.globScanMaxDepth }),
    },
    network,
  };
}

/** §8.2 profile -> runtime. */
export function profileToSplit(profile: PermissionProfile): SplitPolicy {
  switch (profile.type) {
    case "disabled":
      return { enforcement: "disabled", fileSystem: { kind: "unrestricted" }, network: "enabled" };
    case "external":
      return { enforcement: "external", fileSystem: { kind: "external-sandbox" }, network: profile.network.enabled ? "enabled" : "restricted" };
    case "managed": {
      const network: NetworkPolicy = profile.network.enabled ? "enabled" : "restricted";
      const fs = profile.fileSystem;
      if (fs.type === "unrestricted") return { enforcement: "managed", fileSystem: { kind: "unrestricted" }, network };
      return {
        enforcement: "managed",
        fileSystem: {
          kind: "restricted",
          entries: fs.entries.map((e) => structuredClone(e)),
          ...(fs.globScanMaxDepth == null ? {} : { globScanMaxDepth: fs.globScanMaxDepth }),
        },
        network,
      };
    }
  }
}

export const legacyToProfile = (policy: SandboxPolicy): PermissionProfile => splitToProfile(legacyToSplit(policy));

// ---------------------------------------------------------------------------------------
// Profile -> legacy

export type LegacyProjection =
  /** The legacy policy expresses the profile exactly (up to entry order and duplicates). */
  | { kind: "exact"; policy: SandboxPolicy }
  /** The allow side is expressed; `dropped` entries (denies, narrowing reads, glob depth) are lost. */
  | { kind: "lossy"; policy: SandboxPolicy; dropped: FileSystemSandboxEntry[]; droppedGlobScanMaxDepth: boolean }
  /** Legacy cannot express this shape; it stays a managed profile (never collapsed). */
  | { kind: "inexpressible"; reason: string };

/**
 * §8.3 back-projection. Unlike upstream's best-effort version, shapes that legacy cannot
 * express (full-disk write under a managed sandbox, restricted reads, writes outside the
 * project root) are reported as inexpressible instead of collapsing into
 * dangerFullAccess / externalSandbox.
 */
export function profileToLegacy(profile: PermissionProfile): LegacyProjection {
  if (profile.type === "disabled") return { kind: "exact", policy: { type: "dangerFullAccess" } };
  if (profile.type === "external") {
    return { kind: "exact", policy: { type: "externalSandbox", networkAccess: profile.network.enabled ? "enabled" : "restricted" } };
  }
  const networkAccess = profile.network.enabled;
  const fs = profile.fileSystem;
  if (fs.type === "unrestricted") {
    return { kind: "inexpressible", reason: "a managed sandbox with unrestricted filesystem access has no legacy form" };
  }
  const entries = fs.entries;
  if (entries.some((e) => isSpecial(e, "root") && e.access === "write")) {
    return { kind: "inexpressible", reason: "full-disk write under a managed sandbox has no legacy form" };
  }
  if (!entries.some((e) => isSpecial(e, "root") && e.access === "read") || entries.some((e) => isSpecial(e, "root") && e.access === "deny")) {
    return { kind: "inexpressible", reason: "restricted reads have no legacy form; use permissionProfile" };
  }
  const projectWritable = entries.some((e) => isPlainProjectRoots(e) && e.access === "write");
  const expressible: FileSystemSandboxEntry[] = [];
  const dropped: FileSystemSandboxEntry[] = [];
  let policy: SandboxPolicy;
  if (projectWritable) {
    const writableRoots: string[] = [];
    let slashTmp = false;
    let tmpdir = false;
    for (const e of entries) {
      if (isSpecial(e, "root") && e.access === "read") expressible.push(e);
      else if (isPlainProjectRoots(e) && e.access === "write") expressible.push(e);
      else if (isSpecial(e, "slash_tmp") && e.access === "write") (slashTmp = true), expressible.push(e);
      else if (isSpecial(e, "tmpdir") && e.access === "write") (tmpdir = true), expressible.push(e);
      else if (e.path.type === "path" && e.access === "write" && e.path.path.startsWith("/")) {
        writableRoots.push(e.path.path);
        expressible.push(e);
      } else if (e.access === "write" && !(e.path.type === "special" && e.path.value.kind === "project_roots")) {
        return { kind: "inexpressible", reason: `write access to ${describePath(e)} has no legacy form` };
      } else dropped.push(e);
    }
    policy = { type: "workspaceWrite", writableRoots, networkAccess, excludeTmpdirEnvVar: !tmpdir, excludeSlashTmp: !slashTmp };
  } else {
    for (const e of entries) {
      if (e.access === "write") {
        return {
          kind: "inexpressible",
          reason:
            "permissions profile requests filesystem writes outside the workspace root, which is not supported until the runtime enforces FileSystemSandboxPolicy directly",
        };
      }
      if (isSpecial(e, "root") && e.access === "read") expressible.push(e);
      else dropped.push(e);
    }
    policy = { type: "readOnly", networkAccess };
  }
  const depth = fs.globScanMaxDepth != null;
  if (dropped.length === 0 && !depth) return { kind: "exact", policy };
  return { kind: "lossy", policy, dropped, droppedGlobScanMaxDepth: depth };
}

function describePath(e: FileSystemSandboxEntry): string {
  const p = e.path;
  if (p.type === "path") return p.path;
  if (p.type === "glob_pattern") return `glob ${p.pattern}`;
  return `:${p.value.kind}${"subpath" in p.value && p.value.subpath ? `/${p.value.subpath}` : ""}`;
}

// ---------------------------------------------------------------------------------------
// Deny-read preservation (§8.4)

export interface ConfiguredDenies {
  /** Every `deny` entry of the configured filesystem policy. */
  entries: FileSystemSandboxEntry[];
  globScanMaxDepth?: number | undefined;
}

export function configuredDeniesOf(fs: FileSystemPolicy): ConfiguredDenies {
  if (fs.kind !== "restricted") return { entries: [] };
  return { entries: fs.entries.filter((e) => e.access === "deny"), globScanMaxDepth: fs.globScanMaxDepth ?? undefined };
}

/**
 * Re-applies the configured deny entries to an override's filesystem policy:
 * unrestricted + configured denies -> restricted `root: write` + denies; restricted ->
 * inherits the configured glob depth when it has none and gets every missing deny.
 * External-sandbox policies carry no entries; `preserveDenies` on a split policy refuses
 * them when denies are configured (see `applyConfiguredDenies`).
 */
export function preserveDenies(override: FileSystemPolicy, configured: ConfiguredDenies): FileSystemPolicy {
  if (override.kind === "external-sandbox") return override;
  if (configured.entries.length === 0) {
    if (override.kind === "restricted" && override.globScanMaxDepth == null && configured.globScanMaxDepth != null) {
      return { ...override, entries: [...override.entries], globScanMaxDepth: configured.globScanMaxDepth };
    }
    return override;
  }
  const base: FileSystemSandboxEntry[] = override.kind === "unrestricted" ? [rootEntry("write")] : [...override.entries];
  const seen = new Set(base.map(entryKey));
  for (const deny of configured.entries) {
    const key = entryKey(deny);
    if (!seen.has(key)) {
      seen.add(key);
      base.push(structuredClone(deny));
    }
  }
  const depth = (override.kind === "restricted" ? override.globScanMaxDepth : undefined) ?? configured.globScanMaxDepth;
  return { kind: "restricted", entries: base, ...(depth == null ? {} : { globScanMaxDepth: depth }) };
}

export type DenyApplication = { ok: true; split: SplitPolicy } | { ok: false; detail: string };

/**
 * Split-level deny preservation. A `disabled` override whose filesystem becomes restricted
 * turns into a managed sandbox (full write, the override's network) so the denies are
 * enforced. An `external` override cannot enforce denies, so it is refused when any deny is
 * configured (fail closed; upstream leaves it untouched).
 */
export function applyConfiguredDenies(split: SplitPolicy, configured: ConfiguredDenies): DenyApplication {
  if (split.fileSystem.kind === "external-sandbox") {
    if (configured.entries.length > 0) {
      return { ok: false, detail: "externalSandbox cannot enforce the configured deny-read entries" };
    }
    return { ok: true, split };
  }
  const fileSystem = preserveDenies(split.fileSystem, configured);
  const enforcement: Enforcement = split.enforcement === "disabled" && fileSystem.kind === "restricted" ? "managed" : split.enforcement;
  return { ok: true, split: { enforcement, fileSystem, network: split.network } };
}
