import { describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import type { FileSystemSandboxEntry, PermissionProfile } from "../../../schema/src/index.ts";
import {
  applyConfiguredDenies,
  entryKey,
  legacyToProfile,
  legacyToSplit,
  preserveDenies,
  profileToLegacy,
  profileToSplit,
  splitToProfile,
  type FileSystemPolicy,
} from "../../src/permissions/model.ts";
import { denyEntry, fileSystemPolicy, profile, sandboxPolicy } from "./arbitraries.ts";

const root = (access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({ path: { type: "special", value: { kind: "root" } }, access });
const special = (kind: "tmpdir" | "slash_tmp", access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind } },
  access,
});
const project = (access: FileSystemSandboxEntry["access"]): FileSystemSandboxEntry => ({
  path: { type: "special", value: { kind: "project_roots", subpath: null } },
  access,
});

describe("legacy -> profile (upstream §8.1/§8.2)", () => {
  it("dangerFullAccess is the disabled profile", () => {
    expect(legacyToProfile({ type: "dangerFullAccess" })).toEqual({ type: "disabled" });
    expect(legacyToSplit({ type: "dangerFullAccess" }).network).toBe("enabled");
  });
  it("externalSandbox is the external profile with its network", () => {
    expect(legacyToProfile({ type: "externalSandbox", networkAccess: "enabled" })).toEqual({ type: "external", network: { enabled: true } });
    expect(legacyToProfile({ type: "externalSandbox", networkAccess: "restricted" })).toEqual({ type: "external", network: { enabled: false } });
  });
  it("readOnly is managed root:read", () => {
    expect(legacyToProfile({ type: "readOnly", networkAccess: true })).toEqual({
      type: "managed",
      fileSystem: { type: "restricted", entries: [root("read")] },
      network: { enabled: true },
    });
  });
  it("workspaceWrite is managed root:read + project roots, tmp dirs and writable roots", () => {
    expect(
      legacyToProfile({ type: "workspaceWrite", writableRoots: ["/data"], networkAccess: false, excludeSlashTmp: false, excludeTmpdirEnvVar: true }),
    ).toEqual({
      type: "managed",
      fileSystem: {
        type: "restricted",
        entries: [root("read"), project("write"), special("slash_tmp", "write"), { path: { type: "path", path: "/data" }, access: "write" }],
      },
      network: { enabled: false },
    });
  });
});

describe("profile -> legacy", () => {
  it("keeps shapes legacy cannot express managed instead of collapsing them", () => {
    const fullWrite: PermissionProfile = { type: "managed", fileSystem: { type: "restricted", entries: [root("write")] }, network: { enabled: true } };
    expect(profileToLegacy(fullWrite).kind).toBe("inexpressible");
    expect(profileToLegacy({ type: "managed", fileSystem: { type: "unrestricted" }, network: { enabled: false } }).kind).toBe("inexpressible");
    const restrictedRead: PermissionProfile = {
      type: "managed",
      fileSystem: { type: "restricted", entries: [{ path: { type: "path", path: "/usr" }, access: "read" }] },
      network: { enabled: false },
    };
    expect(profileToLegacy(restrictedRead).kind).toBe("inexpressible");
  });
  it("rejects writes outside the project root with upstream's reason", () => {
    const p: PermissionProfile = {
      type: "managed",
      fileSystem: { type: "restricted", entries: [root("read"), { path: { type: "path", path: "/out" }, access: "write" }] },
      network: { enabled: false },
    };
    const r = profileToLegacy(p);
    expect(r.kind === "inexpressible" && r.reason).toMatch(/writes outside the workspace root/);
  });
  it("reports denies as lossy, never silently", () => {
    const p: PermissionProfile = {
      type: "managed",
      fileSystem: { type: "restricted", entries: [root("read"), { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" }], globScanMaxDepth: 3 },
      network: { enabled: false },
    };
    const r = profileToLegacy(p);
    expect(r).toMatchObject({ kind: "lossy", policy: { type: "readOnly", networkAccess: false }, droppedGlobScanMaxDepth: true });
  });

  fcTest.prop([sandboxPolicy])("legacy -> profile -> legacy is the identity", (policy) => {
    expect(profileToLegacy(legacyToProfile(policy))).toEqual({ kind: "exact", policy });
  });

  fcTest.prop([profile])("profile -> legacy -> profile keeps everything legacy can express", (p) => {
    const r = profileToLegacy(p);
    if (r.kind === "inexpressible") return;
    const back = legacyToProfile(r.policy);
    expect(back.type).toBe(p.type);
    if (p.type === "managed" && back.type === "managed") {
      expect(back.network).toEqual(p.network);
      const backKeys = new Set(back.fileSystem.type === "restricted" ? back.fileSystem.entries.map(entryKey) : []);
      const dropped = new Set(r.kind === "lossy" ? r.dropped.map(entryKey) : []);
      const entries = p.fileSystem.type === "restricted" ? p.fileSystem.entries : [];
      for (const e of entries) {
        if (!dropped.has(entryKey(e))) expect(backKeys.has(entryKey(e))).toBe(true);
      }
      if (r.kind === "exact") expect(backKeys).toEqual(new Set(entries.map(entryKey)));
    } else {
      expect(back).toEqual(p);
    }
  });

  fcTest.prop([profile])("projections are idempotent", (p) => {
    const r = profileToLegacy(p);
    if (r.kind !== "inexpressible") {
      expect(profileToLegacy(legacyToProfile(r.policy))).toEqual({ kind: "exact", policy: r.policy });
    }
    // profile -> split -> profile is the identity for every profile.
    expect(splitToProfile(profileToSplit(p))).toEqual(p);
    expect(splitToProfile(profileToSplit(splitToProfile(profileToSplit(p))))).toEqual(splitToProfile(profileToSplit(p)));
  });
});

describe("deny-read preservation (§8.4)", () => {
  it("upstream example: restricted override inherits the configured deny and depth", () => {
    const override: FileSystemPolicy = { kind: "restricted", entries: [{ path: { type: "path", path: "/tmp/project" }, access: "read" }] };
    const glob: FileSystemSandboxEntry = { path: { type: "glob_pattern", pattern: "/tmp/project/**/*.env" }, access: "deny" };
    expect(preserveDenies(override, { entries: [glob], globScanMaxDepth: 2 })).toEqual({
      kind: "restricted",
      entries: [{ path: { type: "path", path: "/tmp/project" }, access: "read" }, glob],
      globScanMaxDepth: 2,
    });
  });
  it("unrestricted override with configured denies becomes root:write plus the denies", () => {
    const deny: FileSystemSandboxEntry = { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" };
    expect(preserveDenies({ kind: "unrestricted" }, { entries: [deny] })).toEqual({ kind: "restricted", entries: [root("write"), deny] });
    const split = applyConfiguredDenies(legacyToSplit({ type: "dangerFullAccess" }), { entries: [deny] });
    expect(split).toEqual({
      ok: true,
      split: { enforcement: "managed", fileSystem: { kind: "restricted", entries: [root("write"), deny] }, network: "enabled" },
    });
  });
  it("external overrides are refused when denies are configured (fail closed)", () => {
    const deny: FileSystemSandboxEntry = { path: { type: "path", path: "/secret" }, access: "deny" };
    expect(applyConfiguredDenies(legacyToSplit({ type: "externalSandbox", networkAccess: "enabled" }), { entries: [deny] }).ok).toBe(false);
    expect(applyConfiguredDenies(legacyToSplit({ type: "externalSandbox", networkAccess: "enabled" }), { entries: [] }).ok).toBe(true);
  });

  const configured = fc.record({
    entries: fc.array(denyEntry, { maxLength: 4 }),
    globScanMaxDepth: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
  });

  fcTest.prop([fileSystemPolicy, configured])("no override ever removes a configured deny or the configured depth", (override, denies) => {
    const out = preserveDenies(override, denies);
    if (override.kind === "external-sandbox") {
      expect(out).toEqual(override);
      return;
    }
    if (denies.entries.length > 0) expect(out.kind).toBe("restricted");
    if (out.kind === "restricted") {
      const keys = new Set(out.entries.map(entryKey));
      for (const d of denies.entries) expect(keys.has(entryKey(d))).toBe(true);
      const own = override.kind === "restricted" ? override.globScanMaxDepth : undefined;
      expect(out.globScanMaxDepth).toBe(own ?? denies.globScanMaxDepth);
      // Nothing the override said is lost either.
      if (override.kind === "restricted") for (const e of override.entries) expect(keys.has(entryKey(e))).toBe(true);
    }
  });

  fcTest.prop([fileSystemPolicy, configured])("deny preservation is idempotent", (override, denies) => {
    const once = preserveDenies(override, denies);
    expect(preserveDenies(once, denies)).toEqual(once);
  });

  fcTest.prop([profile, configured])("split-level preservation keeps every deny or refuses", (p, denies) => {
    const r = applyConfiguredDenies(profileToSplit(p), denies);
    if (!r.ok) {
      expect(p.type).toBe("external");
      expect(denies.entries.length).toBeGreaterThan(0);
      return;
    }
    if (denies.entries.length === 0) return;
    expect(r.split.fileSystem.kind).toBe("restricted");
    expect(r.split.enforcement).toBe("managed");
    const fs = r.split.fileSystem;
    const keys = new Set(fs.kind === "restricted" ? fs.entries.map(entryKey) : []);
    for (const d of denies.entries) expect(keys.has(entryKey(d))).toBe(true);
  });
});
