// Older input spellings that servers still accept, rewritten into the canonical wire form
// before zod parses a message. Output never uses these spellings.
//   - filesystem access "none"                  -> "deny"
//   - special path kind "current_working_directory" -> "project_roots"
//   - untagged profile {network, fileSystem|file_system} -> managed + restricted
//   - SandboxPolicy readOnly.access / workspaceWrite.readOnlyAccess:
//       {type: fullAccess} is accepted and ignored, {type: restricted} is rejected.

export type Rewrite<T = unknown> = { ok: true; value: T } | { ok: false; detail: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function normalizeFileSystemEntry(entry: unknown): unknown {
  if (!isRecord(entry)) return entry;
  const out: Record<string, unknown> = { ...entry };
  if (out.access === "none") out.access = "deny";
  const path = out.path;
  if (isRecord(path) && path.type === "special" && isRecord(path.value) && path.value.kind === "current_working_directory") {
    out.path = { ...path, value: { ...path.value, kind: "project_roots" } };
  }
  return out;
}

function normalizeEntries(fileSystem: Record<string, unknown>): Record<string, unknown> {
  const entries = fileSystem.entries;
  return Array.isArray(entries) ? { ...fileSystem, entries: entries.map(normalizeFileSystemEntry) } : fileSystem;
}

export function normalizePermissionProfile(profile: unknown): unknown {
  if (!isRecord(profile)) return profile;
  if (profile.type === undefined && ("network" in profile || "fileSystem" in profile || "file_system" in profile)) {
    const network = isRecord(profile.network) ? profile.network : {};
    const rawFs = profile.fileSystem ?? profile.file_system;
    const fs = isRecord(rawFs) ? rawFs : {};
    const depth = fs.globScanMaxDepth ?? fs.glob_scan_max_depth;
    return {
      type: "managed",
      network: { enabled: network.enabled === true },
      fileSystem: normalizeEntries({
        type: "restricted",
        entries: Array.isArray(fs.entries) ? fs.entries : [],
        ...(depth === undefined ? {} : { globScanMaxDepth: depth }),
      }),
    };
  }
  if (profile.type === "managed" && isRecord(profile.fileSystem)) {
    return { ...profile, fileSystem: normalizeEntries(profile.fileSystem) };
  }
  return profile;
}

const LEGACY_ACCESS_FIELDS: Record<string, string> = { readOnly: "access", workspaceWrite: "readOnlyAccess" };

export function normalizeSandboxPolicy(policy: unknown): Rewrite {
  if (!isRecord(policy) || typeof policy.type !== "string") return { ok: true, value: policy };
  const field = LEGACY_ACCESS_FIELDS[policy.type];
  if (field === undefined || !(field in policy)) return { ok: true, value: policy };
  const access = policy[field];
  const { [field]: _dropped, ...rest } = policy;
  const accessType = isRecord(access) ? access.type : undefined;
  if (access === null || accessType === "fullAccess") return { ok: true, value: rest };
  if (accessType === "restricted") {
    return {
      ok: false,
      detail: `${policy.type}.${field} is no longer supported; use permissionProfile for restricted reads`,
    };
  }
  return { ok: false, detail: `unknown variant \`${String(accessType)}\`, expected \`fullAccess\` or \`restricted\`` };
}

/** Rewrites the legacy spellings inside a request's params; other methods pass through. */
export function normalizeLegacyParams(method: string, params: unknown): Rewrite {
  if (method !== "command/exec" || !isRecord(params)) return { ok: true, value: params };
  const out: Record<string, unknown> = { ...params };
  if ("sandboxPolicy" in out) {
    const policy = normalizeSandboxPolicy(out.sandboxPolicy);
    if (!policy.ok) return policy;
    out.sandboxPolicy = policy.value;
  }
  if (isRecord(out.permissionProfile)) out.permissionProfile = normalizePermissionProfile(out.permissionProfile);
  return { ok: true, value: out };
}
