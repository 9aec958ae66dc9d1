// Permission types: the legacy SandboxPolicy, filesystem entries and PermissionProfile.
// These zod types describe the canonical wire form. Older spellings that servers still
// accept on input (access "none", untagged profiles, `access`/`readOnlyAccess`) are
// rewritten by legacy-input.ts before parsing, so they never leak into the contract.
import { z } from "zod";
import { AbsolutePath, NonZeroUInt, U32 } from "./primitives.ts";

export const NetworkAccess = z.enum(["restricted", "enabled"]).meta({ id: "NetworkAccess" });

export const SandboxPolicy = z
  .discriminatedUnion("type", [
    z
      .object({ type: z.literal("dangerFullAccess") })
      .meta({ title: "DangerFullAccessSandboxPolicy" }),
    z
      .object({ type: z.literal("readOnly"), networkAccess: z.boolean().default(false) })
      .meta({ title: "ReadOnlySandboxPolicy" }),
    z
      .object({ type: z.literal("externalSandbox"), networkAccess: NetworkAccess.default("restricted") })
      .meta({ title: "ExternalSandboxSandboxPolicy" }),
    z
      .object({
        type: z.literal("workspaceWrite"),
        writableRoots: z.array(AbsolutePath).default([]),
        networkAccess: z.boolean().default(false),
        excludeTmpdirEnvVar: z.boolean().default(false),
        excludeSlashTmp: z.boolean().default(false),
      })
      .meta({ title: "WorkspaceWriteSandboxPolicy" }),
  ])
  .meta({ id: "SandboxPolicy", description: "Legacy sandbox policy for one command." });

export const FileSystemAccessMode = z
  .enum(["read", "write", "deny"])
  .meta({ id: "FileSystemAccessMode", description: 'Input also accepts the older "none" as an alias of "deny".' });

export const FileSystemSpecialPath = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("root") }),
    z.object({ kind: z.literal("minimal") }),
    z.object({ kind: z.literal("project_roots"), subpath: z.string().nullable().optional() }),
    z.object({ kind: z.literal("tmpdir") }),
    z.object({ kind: z.literal("slash_tmp") }),
    z.object({ kind: z.literal("unknown"), path: z.string(), subpath: z.string().nullable().optional() }),
  ])
  .meta({ id: "FileSystemSpecialPath" });

export const FileSystemPath = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("path"), path: z.string() }),
    z.object({ type: z.literal("glob_pattern"), pattern: z.string() }),
    z.object({ type: z.literal("special"), value: FileSystemSpecialPath }),
  ])
  .meta({ id: "FileSystemPath" });

export const FileSystemSandboxEntry = z
  .object({ path: FileSystemPath, access: FileSystemAccessMode })
  .meta({ id: "FileSystemSandboxEntry" });

export const PermissionProfileNetwork = z
  .object({ enabled: z.boolean() })
  .meta({ id: "PermissionProfileNetworkPermissions" });

export const PermissionProfileFileSystem = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("restricted"),
      entries: z.array(FileSystemSandboxEntry),
      globScanMaxDepth: NonZeroUInt.nullable().optional(),
    }),
    z.object({ type: z.literal("unrestricted") }),
  ])
  .meta({ id: "PermissionProfileFileSystemPermissions" });

export const PermissionProfile = z
  .discriminatedUnion("type", [
    z
      .object({ type: z.literal("managed"), fileSystem: PermissionProfileFileSystem, network: PermissionProfileNetwork })
      .meta({ title: "ManagedPermissionProfile" }),
    z.object({ type: z.literal("disabled") }).meta({ title: "DisabledPermissionProfile" }),
    z
      .object({ type: z.literal("external"), network: PermissionProfileNetwork })
      .meta({ title: "ExternalPermissionProfile" }),
  ])
  .meta({
    id: "PermissionProfile",
    description:
      "Inline permission profile (an extension of this project: Codex 0.169 takes only a profile id). " +
      "Input also accepts the older untagged {network, fileSystem|file_system} shape.",
  });

export const PermissionProfileListParams = z
  .object({
    cursor: z.string().nullable().optional(),
    limit: U32.nullable().optional(),
    cwd: z.string().nullable().optional(),
  })
  .meta({ id: "PermissionProfileListParams" });

export const PermissionProfileSummary = z
  .object({ id: z.string(), description: z.string().nullable(), allowed: z.boolean() })
  .meta({ id: "PermissionProfileSummary" });

export const PermissionProfileListResponse = z
  .object({ data: z.array(PermissionProfileSummary), nextCursor: z.string().nullable() })
  .meta({ id: "PermissionProfileListResponse" });

export type NetworkAccess = z.infer<typeof NetworkAccess>;
export type SandboxPolicy = z.infer<typeof SandboxPolicy>;
export type FileSystemAccessMode = z.infer<typeof FileSystemAccessMode>;
export type FileSystemSpecialPath = z.infer<typeof FileSystemSpecialPath>;
export type FileSystemPath = z.infer<typeof FileSystemPath>;
export type FileSystemSandboxEntry = z.infer<typeof FileSystemSandboxEntry>;
export type PermissionProfile = z.infer<typeof PermissionProfile>;
export type PermissionProfileListParams = z.infer<typeof PermissionProfileListParams>;
export type PermissionProfileListResponse = z.infer<typeof PermissionProfileListResponse>;
