// fast-check generators for the permission model.
import fc from "fast-check";
import type { FileSystemSandboxEntry, PermissionProfile, SandboxPolicy } from "../../../schema/src/index.ts";
import type { FileSystemPolicy } from "../../src/permissions/model.ts";

const segment = fc.constantFrom("a", "b", "work", "repo", ".git", "x y", "é");
export const absPath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join("/")}`);

export const sandboxPolicy: fc.Arbitrary<SandboxPolicy> = fc.oneof(
  fc.constant<SandboxPolicy>({ type: "dangerFullAccess" }),
  fc.boolean().map<SandboxPolicy>((networkAccess) => ({ type: "readOnly", networkAccess })),
  fc.constantFrom("restricted", "enabled").map<SandboxPolicy>((networkAccess) => ({ type: "externalSandbox", networkAccess })),
  fc
    .record({
      writableRoots: fc.array(absPath, { maxLength: 3 }),
      networkAccess: fc.boolean(),
      excludeTmpdirEnvVar: fc.boolean(),
      excludeSlashTmp: fc.boolean(),
    })
    .map<SandboxPolicy>((r) => ({ type: "workspaceWrite", ...r })),
);

const access = fc.constantFrom<FileSystemSandboxEntry["access"]>("read", "write", "deny");

export const entry: fc.Arbitrary<FileSystemSandboxEntry> = fc.oneof(
  fc.record({ path: absPath.map((path) => ({ type: "path" as const, path })), access }),
  fc.record({
    path: fc.constantFrom("/work/**/*.env", "/work/*.key", "/repo/**/secret?", "**/*.pem").map((pattern) => ({ type: "glob_pattern" as const, pattern })),
    access: fc.constant("deny" as const),
  }),
  fc.record({
    path: fc
      .oneof(
        fc.constantFrom({ kind: "root" as const }, { kind: "minimal" as const }, { kind: "tmpdir" as const }, { kind: "slash_tmp" as const }),
        fc.option(fc.constantFrom("docs", "sub/dir"), { nil: null }).map((subpath) => ({ kind: "project_roots" as const, subpath })),
      )
      .map((value) => ({ type: "special" as const, value })),
    access,
  }),
);

export const denyEntry: fc.Arbitrary<FileSystemSandboxEntry> = fc.oneof(
  absPath.map((path) => ({ path: { type: "path" as const, path }, access: "deny" as const })),
  fc.constantFrom("/work/**/*.env", "/a/*.key", "**/*.pem").map((pattern) => ({ path: { type: "glob_pattern" as const, pattern }, access: "deny" as const })),
);

const depth = fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined });

export const profile: fc.Arbitrary<PermissionProfile> = fc.oneof(
  fc.constant<PermissionProfile>({ type: "disabled" }),
  fc.boolean().map<PermissionProfile>((enabled) => ({ type: "external", network: { enabled } })),
  fc.boolean().map<PermissionProfile>((enabled) => ({ type: "managed", fileSystem: { type: "unrestricted" }, network: { enabled } })),
  fc.record({ entries: fc.array(entry, { maxLength: 6 }), depth, enabled: fc.boolean() }).map<PermissionProfile>(({ entries, depth, enabled }) => ({
    type: "managed",
    fileSystem: { type: "restricted", entries, ...(depth === undefined ? {} : { globScanMaxDepth: depth }) },
    network: { enabled },
  })),
);

export const fileSystemPolicy: fc.Arbitrary<FileSystemPolicy> = fc.oneof(
  fc.constant<FileSystemPolicy>({ kind: "unrestricted" }),
  fc.constant<FileSystemPolicy>({ kind: "external-sandbox" }),
  fc.record({ entries: fc.array(entry, { maxLength: 6 }), depth }).map<FileSystemPolicy>(({ entries, depth }) => ({
    kind: "restricted",
    entries,
    ...(depth === undefined ? {} : { globScanMaxDepth: depth }),
  })),
);
