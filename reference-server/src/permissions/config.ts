// The `--config <file.jsonc>` loader: default permissions, user profiles, glob scan depth
// and command/exec defaults. Invalid files throw a ConfigError naming file, line, column
// and key; the server must not start. Format: docs/sandbox.md.
import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { z } from "zod";
import { findNodeAtLocation, offsetToPosition, parseJsonc, parseTree, JsoncError } from "../../../schema/src/jsonc.ts";
import type { FileSystemSandboxEntry, PermissionProfile } from "../../../schema/src/index.ts";
import { hasGlobChars, validateGlob } from "./glob.ts";
import { BUILTIN_PROFILES, type NamedProfile, type PermissionsConfig } from "./resolve.ts";

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** Dotted key path of the offending member, "" for the whole file. */
    readonly key: string,
    readonly detail: string,
  ) {
    super(`invalid config ${file}:${line}:${column}${key === "" ? "" : ` (${key})`}: ${detail}`);
    this.name = "ConfigError";
  }
}

export interface ExecDefaults {
  /** Default per-stream output cap for command/exec (bytes). */
  outputBytesCap?: number | undefined;
  /** Default command/exec timeout (ms). */
  timeoutMs?: number | undefined;
}

export interface SandboxConfig {
  file: string;
  permissions: PermissionsConfig;
  exec: ExecDefaults;
}

const Access = z.enum(["read", "write", "deny", "none"]);
type AccessValue = z.infer<typeof Access>;
/** `:workspace_roots` is Codex's newer spelling of `:project_roots`; both mean the project root(s). */
const PROJECT_ROOT_KEYS = [":project_roots", ":workspace_roots"] as const;
const SPECIAL_KEYS = new Set([":root", ":minimal", ...PROJECT_ROOT_KEYS, ":tmpdir", ":slash_tmp"]);

/** `:project_roots` / `:workspace_roots` key, alone or with a `/<subpath>` suffix: the subpath ("" for none). */
function projectRootSuffix(key: string): string | undefined {
  for (const base of PROJECT_ROOT_KEYS) {
    if (key === base) return "";
    if (key.startsWith(`${base}/`)) return key.slice(base.length + 1);
  }
  return undefined;
}

// As in Codex's config.toml, a project-root key may take a table instead of an access,
// e.g. ":workspace_roots": { ".": "write", "docs": "read", "**/*.env": "deny" }; its keys
// are "." (the root itself), relative subpaths and relative deny globs.
type FileSystemValue = AccessValue | Record<string, AccessValue>;
const ACCESS_VALUES: readonly string[] = Access.options;
const accessProblem = (v: unknown): string | undefined =>
  typeof v === "string" && ACCESS_VALUES.includes(v) ? undefined : `expected one of ${ACCESS_VALUES.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(v)}`;

const FileSystem = z.union([
  z.literal("unrestricted"),
  z.record(z.string(), z.custom<FileSystemValue>()).superRefine((map, ctx) => {
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        const problem = accessProblem(value) ?? fileSystemKeyProblem(key, value as AccessValue);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: problem });
        continue;
      }
      if (projectRootSuffix(key) !== "") {
        ctx.addIssue({ code: "custom", path: [key], message: `only ${PROJECT_ROOT_KEYS.join(" and ")} take a table of subpaths; use an access ("read", "write", "deny")` });
        continue;
      }
      for (const [sub, access] of Object.entries(value)) {
        const problem = accessProblem(access) ?? projectRootEntryProblem(sub, access);
        if (problem) ctx.addIssue({ code: "custom", path: [key, sub], message: problem });
      }
    }
  }),
]);

const Profile = z.strictObject({
  description: z.string().nullable().optional(),
  type: z.enum(["managed", "disabled", "external"]).default("managed"),
  network: z.enum(["restricted", "enabled"]).default("restricted"),
  filesystem: FileSystem.optional(),
  globScanMaxDepth: z.int().min(1).optional(),
});

const ConfigFile = z.strictObject({
  $schema: z.string().optional(),
  permissions: z
    .strictObject({
      default: z.string().min(1).default(":read-only"),
      globScanMaxDepth: z.int().min(1).optional(),
      profiles: z.record(z.string(), Profile).default({}),
    })
    .optional(),
  exec: z
    .strictObject({
      outputBytesCap: z.int().min(0).optional(),
      timeoutMs: z.int().min(0).optional(),
    })
    .optional(),
});

function subpathProblem(sub: string): string | undefined {
  if (sub === "" || isAbsolute(sub) || sub.split("/").includes("..")) return `invalid project_roots subpath \`${sub}\``;
  return undefined;
}

function fileSystemKeyProblem(key: string, access: AccessValue): string | undefined {
  if (key.startsWith(":")) {
    const sub = projectRootSuffix(key);
    if (sub === undefined && !SPECIAL_KEYS.has(key)) return `unknown special path \`${key}\` (expected one of ${[...SPECIAL_KEYS].join(", ")})`;
    return sub ? subpathProblem(sub) : undefined;
  }
  if (hasGlobChars(key)) return globProblem(key, access);
  if (!isAbsolute(key)) return `path \`${key}\` must be absolute, a special path (":root", ...) or a glob pattern`;
  return undefined;
}

function globProblem(glob: string, access: AccessValue): string | undefined {
  const invalid = validateGlob(glob);
  if (invalid) return invalid;
  if (access !== "deny" && access !== "none") return `glob pattern \`${glob}\` only supports "deny"`;
  return undefined;
}

/** A key inside a project-root table: ".", a relative subpath or a relative glob. */
function projectRootEntryProblem(sub: string, access: AccessValue): string | undefined {
  if (sub === ".") return undefined;
  if (hasGlobChars(sub)) return isAbsolute(sub) ? `glob pattern \`${sub}\` must be relative to the project root` : globProblem(sub, access);
  return subpathProblem(sub);
}

const projectRootEntry = (subpath: string | null, access: "read" | "write" | "deny"): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind: "project_roots", subpath } },
  access,
});

function toEntry(key: string, rawAccess: AccessValue): FileSystemSandboxEntry {
  const access = rawAccess === "none" ? "deny" : rawAccess;
  const sub = projectRootSuffix(key);
  if (sub !== undefined) return projectRootEntry(sub === "" ? null : sub, access);
  if (key.startsWith(":")) {
    const kind = key.slice(1) as "root" | "minimal" | "tmpdir" | "slash_tmp";
    return { path: { type: "special", value: { kind } }, access };
  }
  if (hasGlobChars(key)) return { path: { type: "glob_pattern", pattern: key }, access };
  return { path: { type: "path", path: key }, access };
}

/** The entries of a project-root table (relative globs resolve against the project root). */
function tableEntries(table: Record<string, AccessValue>): FileSystemSandboxEntry[] {
  return Object.entries(table).map(([sub, rawAccess]) => {
    const access = rawAccess === "none" ? "deny" : rawAccess;
    if (sub === ".") return projectRootEntry(null, access);
    if (hasGlobChars(sub)) return { path: { type: "glob_pattern", pattern: sub }, access };
    return projectRootEntry(sub, access);
  });
}

function toProfile(p: z.infer<typeof Profile>): PermissionProfile {
  const network = { enabled: p.network === "enabled" };
  if (p.type === "disabled") return { type: "disabled" };
  if (p.type === "external") return { type: "external", network };
  const fs = p.filesystem ?? { ":root": "read" as const };
  if (fs === "unrestricted") return { type: "managed", fileSystem: { type: "unrestricted" }, network };
  return {
    type: "managed",
    fileSystem: {
      type: "restricted",
      entries: Object.entries(fs).flatMap(([k, a]) => (typeof a === "string" ? [toEntry(k, a)] : tableEntries(a))),
      ...(p.globScanMaxDepth === undefined ? {} : { globScanMaxDepth: p.globScanMaxDepth }),
    },
    network,
  };
}

function locate(text: string, path: (string | number)[]): { line: number; column: number } {
  const tree = parseTree(text);
  if (!tree) return { line: 1, column: 1 };
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) {
      // Point at the member's key when there is one.
      const at = node.parent?.type === "property" ? node.parent.offset : node.offset;
      return offsetToPosition(text, at);
    }
  }
  return { line: 1, column: 1 };
}

const keyPath = (path: readonly PropertyKey[]): string => path.map((p) => String(p)).join(".");

/** Parses and validates a config text; throws ConfigError. */
export function parseSandboxConfig(text: string, file: string): SandboxConfig {
  let raw: unknown;
  try {
    raw = parseJsonc(text, file);
  } catch (error) {
    if (error instanceof JsoncError) throw new ConfigError(file, error.line, error.column, "", error.message.replace(/^.*?: (?=invalid JSONC)/, ""));
    throw error;
  }
  const parsed = ConfigFile.safeParse(raw ?? undefined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    // Unknown members: zod reports them on the parent with the names in `keys`.
    const unknown = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const full = unknown === undefined ? path : [...path, unknown];
    const { line, column } = locate(text, full);
    const detail = unknown === undefined ? issue.message : `unknown key \`${unknown}\``;
    throw new ConfigError(file, line, column, keyPath(full), detail);
  }
  const data = parsed.data;
  const perms = data.permissions ?? { default: ":read-only", profiles: {} as Record<string, z.infer<typeof Profile>> };
  const profiles: NamedProfile[] = [];
  for (const [id, p] of Object.entries(perms.profiles)) {
    const at = ["permissions", "profiles", id];
    if (id.startsWith(":") || id === "") {
      const { line, column } = locate(text, at);
      throw new ConfigError(file, line, column, keyPath(at), `profile id \`${id}\` must not be empty or start with ':' (reserved for built-ins)`);
    }
    if (p.type !== "managed" && (p.filesystem !== undefined || p.globScanMaxDepth !== undefined)) {
      const { line, column } = locate(text, [...at, p.filesystem !== undefined ? "filesystem" : "globScanMaxDepth"]);
      throw new ConfigError(file, line, column, keyPath([...at, "filesystem"]), `a profile of type "${p.type}" takes no filesystem rules`);
    }
    profiles.push({ id, description: p.description ?? null, profile: toProfile(p) });
  }
  const known = [...BUILTIN_PROFILES.map((b) => b.id), ...profiles.map((p) => p.id)];
  if (!known.includes(perms.default)) {
    const at = ["permissions", "default"];
    const { line, column } = locate(text, at);
    throw new ConfigError(file, line, column, keyPath(at), `unknown profile \`${perms.default}\` (known: ${known.join(", ")})`);
  }
  return {
    file,
    permissions: { defaultPermissions: perms.default, profiles, globScanMaxDepth: perms.globScanMaxDepth },
    exec: { outputBytesCap: data.exec?.outputBytesCap, timeoutMs: data.exec?.timeoutMs },
  };
}

/** Reads `--config <file>`; throws ConfigError (the server must not start). */
export function loadSandboxConfig(file: string): SandboxConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(file, 0, 0, "", `cannot read config file: ${(error as Error).message}`);
  }
  return parseSandboxConfig(text, file);
}
