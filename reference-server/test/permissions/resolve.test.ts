import { describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import type { PermissionProfile } from "../../../schema/src/index.ts";
import {
  DEFAULT_PERMISSIONS_CONFIG,
  listPermissionProfiles,
  resolveCommandPermissions,
  type ManagedPlan,
  type PermissionsConfig,
} from "../../src/permissions/resolve.ts";
import { profile, sandboxPolicy } from "./arbitraries.ts";

const base = { serverCwd: "/srv", commandCwd: "/srv/proj", env: { TMPDIR: "/var/tmp/user" } };

function managed(config: PermissionsConfig, req: Partial<Parameters<typeof resolveCommandPermissions>[1]>): ManagedPlan {
  const r = resolveCommandPermissions(config, { ...base, ...req });
  if (!r.ok) throw r.error;
  if (r.value.plan.kind !== "managed") throw new Error(`expected managed, got ${r.value.plan.kind}`);
  return r.value.plan;
}

const withDenies: PermissionsConfig = {
  defaultPermissions: "dev",
  globScanMaxDepth: 5,
  profiles: [
    {
      id: "dev",
      description: "workspace without secrets",
      profile: {
        type: "managed",
        fileSystem: {
          type: "restricted",
          entries: [
            { path: { type: "special", value: { kind: "root" } }, access: "read" },
            { path: { type: "special", value: { kind: "project_roots", subpath: null } }, access: "write" },
            { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
            { path: { type: "path", path: "/etc/shadow" }, access: "deny" },
          ],
        },
        network: { enabled: false },
      },
    },
  ],
};

describe("built-in profiles", () => {
  it("permissionProfile/list answers the built-ins in upstream order", () => {
    expect(listPermissionProfiles()).toEqual([
      { id: ":read-only", description: null, allowed: true },
      { id: ":workspace", description: null, allowed: true },
      { id: ":danger-full-access", description: null, allowed: true },
    ]);
    expect(listPermissionProfiles(withDenies).map((p) => p.id)).toEqual([":read-only", ":workspace", ":danger-full-access", "dev"]);
  });
  it("without config command/exec runs read-only with the network off", () => {
    const plan = managed(DEFAULT_PERMISSIONS_CONFIG, {});
    expect(plan).toMatchObject({ fullRead: true, fullWrite: false, writableRoots: [], network: false, denyPaths: [], denyGlobs: [] });
  });
  it(":danger-full-access runs without a sandbox", () => {
    const r = resolveCommandPermissions(DEFAULT_PERMISSIONS_CONFIG, { ...base, permissionProfile: ":danger-full-access" });
    expect(r.ok && r.value.plan).toEqual({ kind: "none" });
  });
  it("unknown ids are typed errors", () => {
    const a = resolveCommandPermissions(DEFAULT_PERMISSIONS_CONFIG, { ...base, permissionProfile: ":nope" });
    expect(!a.ok && a.error.message).toBe("invalid permission profile: default_permissions refers to unknown built-in profile `:nope`");
    const b = resolveCommandPermissions(DEFAULT_PERMISSIONS_CONFIG, { ...base, permissionProfile: "mine" });
    expect(!b.ok && b.error.message).toBe("invalid permission profile: default_permissions requires a `[permissions]` table");
    const c = resolveCommandPermissions(withDenies, { ...base, permissionProfile: "mine" });
    expect(!c.ok && c.error.kind).toBe("invalidPermissionProfile");
  });
});

describe("sandbox cwd", () => {
  it("with permissionProfile the command cwd is the project root", () => {
    const plan = managed(DEFAULT_PERMISSIONS_CONFIG, { permissionProfile: ":workspace" });
    expect(plan.sandboxCwd).toBe("/srv/proj");
    expect(plan.writableRoots.map((r) => [r.path, r.protectMissing])).toEqual([
      ["/srv/proj", true],
      ["/tmp", false],
      ["/var/tmp/user", false],
    ]);
  });
  it("with sandboxPolicy or the default the server cwd is", () => {
    const plan = managed(DEFAULT_PERMISSIONS_CONFIG, {
      sandboxPolicy: { type: "workspaceWrite", writableRoots: ["/data"], networkAccess: true, excludeSlashTmp: true, excludeTmpdirEnvVar: true },
    });
    expect(plan.sandboxCwd).toBe("/srv");
    expect(plan.network).toBe(true);
    expect(plan.writableRoots).toEqual([
      { path: "/srv", readOnlySubpaths: [], protectedPaths: ["/srv/.git", "/srv/.agents", "/srv/.codex"], protectMissing: true },
      { path: "/data", readOnlySubpaths: [], protectedPaths: ["/data/.git", "/data/.agents", "/data/.codex"], protectMissing: true },
    ]);
  });
  it("an explicit write entry lifts the metadata protection; a read entry inside a root is a carve-out", () => {
    const p: PermissionProfile = {
      type: "managed",
      fileSystem: {
        type: "restricted",
        entries: [
          { path: { type: "special", value: { kind: "root" } }, access: "read" },
          { path: { type: "special", value: { kind: "project_roots", subpath: null } }, access: "write" },
          { path: { type: "special", value: { kind: "project_roots", subpath: ".git" } }, access: "write" },
          { path: { type: "special", value: { kind: "project_roots", subpath: "docs" } }, access: "read" },
        ],
      },
      network: { enabled: false },
    };
    const plan = managed(DEFAULT_PERMISSIONS_CONFIG, { permissionProfile: p });
    expect(plan.writableRoots[0]).toEqual({
      path: "/srv/proj",
      readOnlySubpaths: ["/srv/proj/docs"],
      protectedPaths: ["/srv/proj/.agents", "/srv/proj/.codex"],
      protectMissing: true,
    });
  });
  it("relative globs resolve against the sandbox cwd; globs other than deny are invalid", () => {
    expect(managed(withDenies, {}).denyGlobs).toEqual(["/srv/**/*.env"]);
    expect(managed(withDenies, { permissionProfile: ":read-only" }).denyGlobs).toEqual(["/srv/proj/**/*.env"]);
    const bad: PermissionProfile = {
      type: "managed",
      fileSystem: { type: "restricted", entries: [{ path: { type: "glob_pattern", pattern: "/x/*" }, access: "read" }] },
      network: { enabled: false },
    };
    const r = resolveCommandPermissions(DEFAULT_PERMISSIONS_CONFIG, { ...base, permissionProfile: bad });
    expect(!r.ok && r.error.message).toBe("invalid permission profile: glob pattern `/x/*` only supports deny access");
  });
});

describe("configured denies survive every override", () => {
  it("dangerFullAccess with configured denies is a full-write managed sandbox with the denies", () => {
    const plan = managed(withDenies, { sandboxPolicy: { type: "dangerFullAccess" } });
    expect(plan).toMatchObject({ fullWrite: true, network: true, denyPaths: ["/etc/shadow"], denyGlobs: ["/srv/**/*.env"], globScanMaxDepth: 5 });
  });
  it("externalSandbox with configured denies is refused", () => {
    const r = resolveCommandPermissions(withDenies, { ...base, sandboxPolicy: { type: "externalSandbox", networkAccess: "enabled" } });
    expect(!r.ok && r.error.message).toBe("invalid sandbox policy: externalSandbox cannot enforce the configured deny-read entries");
  });

  const override = fc.oneof(
    sandboxPolicy.map((sandboxPolicy) => ({ sandboxPolicy })),
    profile.map((permissionProfile) => ({ permissionProfile })),
    fc.constantFrom(":read-only", ":workspace", ":danger-full-access", "dev").map((permissionProfile) => ({ permissionProfile })),
  );
  fcTest.prop([override])("every override keeps /etc/shadow and **/*.env denied (or is refused)", (o) => {
    const r = resolveCommandPermissions(withDenies, { ...base, ...o });
    if (!r.ok) {
      // Only overrides that cannot enforce denies (external) are refused.
      expect(r.error.detail).toMatch(/externalSandbox cannot enforce|deny entry for the filesystem root|only supports deny|unknown/);
      return;
    }
    const plan = r.value.plan;
    expect(plan.kind).toBe("managed");
    if (plan.kind !== "managed") return;
    expect(plan.denyPaths).toContain("/etc/shadow");
    expect(plan.denyGlobs.some((g) => g.endsWith("/**/*.env"))).toBe(true);
  });
});
