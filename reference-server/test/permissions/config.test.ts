import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadSandboxConfig, parseSandboxConfig } from "../../src/permissions/config.ts";
import { listPermissionProfiles, resolveCommandPermissions } from "../../src/permissions/resolve.ts";

const EXAMPLE = `// Example configuration (docs/sandbox.md)
{
  "permissions": {
    "default": "dev",
    "globScanMaxDepth": 6,
    "profiles": {
      "dev": {
        "description": "workspace write, secrets hidden",
        "network": "restricted",
        "filesystem": {
          ":root": "read",
          ":project_roots": "write",
          ":tmpdir": "write",
          ":slash_tmp": "write",
          ":project_roots/docs": "read",
          "/opt/cache": "write",
          "**/*.env": "deny",
          "/home/me/.ssh": "none", // older spelling of deny
        },
      },
      "online": { "network": "enabled", "filesystem": { ":root": "read" } },
      "yolo": { "type": "disabled" },
      "outer": { "type": "external", "network": "enabled" },
      "full": { "filesystem": "unrestricted", "globScanMaxDepth": 3 },
    },
  },
  "exec": { "outputBytesCap": 65536, "timeoutMs": 30000 },
}
`;

function errorOf(text: string): ConfigError {
  try {
    parseSandboxConfig(text, "server.jsonc");
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("config loader", () => {
  it("parses the documented example", () => {
    const c = parseSandboxConfig(EXAMPLE, "server.jsonc");
    expect(c.exec).toEqual({ outputBytesCap: 65536, timeoutMs: 30000 });
    expect(c.permissions.defaultPermissions).toBe("dev");
    expect(c.permissions.globScanMaxDepth).toBe(6);
    expect(c.permissions.profiles.map((p) => [p.id, p.profile.type])).toEqual([
      ["dev", "managed"],
      ["online", "managed"],
      ["yolo", "disabled"],
      ["outer", "external"],
      ["full", "managed"],
    ]);
    const dev = c.permissions.profiles[0]!.profile;
    expect(dev).toEqual({
      type: "managed",
      network: { enabled: false },
      fileSystem: {
        type: "restricted",
        entries: [
          { path: { type: "special", value: { kind: "root" } }, access: "read" },
          { path: { type: "special", value: { kind: "project_roots", subpath: null } }, access: "write" },
          { path: { type: "special", value: { kind: "tmpdir" } }, access: "write" },
          { path: { type: "special", value: { kind: "slash_tmp" } }, access: "write" },
          { path: { type: "special", value: { kind: "project_roots", subpath: "docs" } }, access: "read" },
          { path: { type: "path", path: "/opt/cache" }, access: "write" },
          { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
          { path: { type: "path", path: "/home/me/.ssh" }, access: "deny" },
        ],
      },
    });
    expect(listPermissionProfiles(c.permissions).map((p) => p.id)).toEqual([":read-only", ":workspace", ":danger-full-access", "dev", "online", "yolo", "outer", "full"]);
    expect(listPermissionProfiles(c.permissions)[3]).toEqual({ id: "dev", description: "workspace write, secrets hidden", allowed: true });
  });
  it("the configured default's denies and depth apply to every override", () => {
    const c = parseSandboxConfig(EXAMPLE, "server.jsonc");
    const r = resolveCommandPermissions(c.permissions, { serverCwd: "/srv", commandCwd: "/srv/x", permissionProfile: "online" });
    expect(r.ok && r.value.plan).toMatchObject({ kind: "managed", network: true, denyPaths: ["/home/me/.ssh"], denyGlobs: ["/srv/x/**/*.env"], globScanMaxDepth: 6 });
    const y = resolveCommandPermissions(c.permissions, { serverCwd: "/srv", commandCwd: "/srv", permissionProfile: "yolo" });
    expect(y.ok && y.value.plan).toMatchObject({ kind: "managed", fullWrite: true, network: true });
    const o = resolveCommandPermissions(c.permissions, { serverCwd: "/srv", commandCwd: "/srv", permissionProfile: "outer" });
    expect(!o.ok && o.error.message).toBe("invalid permission profile: externalSandbox cannot enforce the configured deny-read entries");
  });
  it("an empty object is the upstream default (read-only, network off)", () => {
    const c = parseSandboxConfig("{}", "empty.jsonc");
    expect(c.permissions).toEqual({ defaultPermissions: ":read-only", profiles: [], globScanMaxDepth: undefined });
    expect(c.exec).toEqual({ outputBytesCap: undefined, timeoutMs: undefined });
  });

  it("syntax errors name file, line and column", () => {
    const e = errorOf('{\n  "permissions": {\n    "default": ":read-only"\n    "x": 1\n  }\n}');
    expect(e.file).toBe("server.jsonc");
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^invalid config server\.jsonc:4:\d+: invalid JSONC: CommaExpected$/);
  });
  it("unknown keys name the key and its line", () => {
    const e = errorOf('{\n  "permissions": {\n    "defualt": ":workspace"\n  }\n}');
    expect(e).toMatchObject({ line: 3, column: 5, key: "permissions.defualt" });
    expect(e.message).toBe("invalid config server.jsonc:3:5 (permissions.defualt): unknown key `defualt`");
  });
  it("bad values name the key and its line", () => {
    const e = errorOf('{\n  "exec": {\n    "timeoutMs": -5\n  }\n}');
    expect(e).toMatchObject({ line: 3, key: "exec.timeoutMs" });
    const f = errorOf('{ "permissions": { "profiles": { "p": {\n  "filesystem": { "relative/path": "write" } } } } }');
    expect(f).toMatchObject({ line: 2, key: "permissions.profiles.p.filesystem.relative/path" });
    expect(f.detail).toMatch(/must be absolute/);
    const g = errorOf('{ "permissions": { "profiles": { "p": { "filesystem": {\n "**/*.env": "read" } } } } }');
    expect(g.detail).toBe('glob pattern `**/*.env` only supports "deny"');
    expect(g.line).toBe(2);
    const h = errorOf('{ "permissions": { "profiles": { "p": { "filesystem": { ":home": "read" } } } } }');
    expect(h.detail).toMatch(/unknown special path `:home`/);
    const i = errorOf('{ "permissions": { "profiles": { "p": { "globScanMaxDepth": 0 } } } }');
    expect(i.key).toBe("permissions.profiles.p.globScanMaxDepth");
  });
  it("an unknown default profile or a reserved id is an error", () => {
    const e = errorOf('{\n  "permissions": { "default": "nope" }\n}');
    expect(e).toMatchObject({ line: 2, key: "permissions.default" });
    expect(e.detail).toMatch(/unknown profile `nope` \(known: :read-only, :workspace, :danger-full-access\)/);
    expect(errorOf('{ "permissions": { "profiles": { ":mine": {} } } }').detail).toMatch(/reserved for built-ins/);
    expect(errorOf('{ "permissions": { "profiles": { "d": { "type": "disabled", "filesystem": {} } } } }').detail).toMatch(/takes no filesystem rules/);
  });
  it("accepts Codex's :workspace_roots key, flat or as a table of subpaths and globs, meaning :project_roots", () => {
    const c = parseSandboxConfig(
      `{ "permissions": { "default": "w", "profiles": { "w": { "filesystem": {
        ":root": "read",
        ":workspace_roots": { ".": "write", "docs": "read", "**/*.key": "deny", "secret.env": "none" },
        ":project_roots": "write",
        ":workspace_roots/build": "read"
      } } } } }`,
      "codex-like.jsonc",
    );
    const w = c.permissions.profiles[0]!.profile;
    const root = (subpath: string | null, access: string) => ({ path: { type: "special", value: { kind: "project_roots", subpath } }, access });
    expect(w.type === "managed" && w.fileSystem).toEqual({
      type: "restricted",
      entries: [
        { path: { type: "special", value: { kind: "root" } }, access: "read" },
        root(null, "write"),
        root("docs", "read"),
        { path: { type: "glob_pattern", pattern: "**/*.key" }, access: "deny" },
        root("secret.env", "deny"),
        root(null, "write"),
        root("build", "read"),
      ],
    });
    // Resolved against the command's cwd under permissionProfile, as every project-root entry.
    const r = resolveCommandPermissions(c.permissions, { serverCwd: "/srv", commandCwd: "/srv/x", permissionProfile: "w" });
    expect(r.ok && r.value.plan).toMatchObject({ kind: "managed", denyPaths: ["/srv/x/secret.env"], denyGlobs: ["/srv/x/**/*.key"] });
  });
  it("rejects bad project-root tables", () => {
    const t = (fs: string) => errorOf(`{ "permissions": { "profiles": { "p": { "filesystem": ${fs} } } } }`);
    expect(t('{ ":workspace_roots": { "../up": "read" } }').detail).toBe("invalid project_roots subpath `../up`");
    expect(t('{ ":workspace_roots": { "/abs": "read" } }').detail).toBe("invalid project_roots subpath `/abs`");
    expect(t('{ ":workspace_roots": { "**/*.key": "read" } }').detail).toBe('glob pattern `**/*.key` only supports "deny"');
    expect(t('{ ":workspace_roots": { "/x/**": "deny" } }').detail).toBe("glob pattern `/x/**` must be relative to the project root");
    expect(t('{ ":root": { ".": "read" } }').detail).toMatch(/only :project_roots and :workspace_roots take a table/);
    expect(t('{ ":workspace_roots": { ".": "rw" } }').key).toBe("permissions.profiles.p.filesystem.:workspace_roots..");
  });
  it("loadSandboxConfig reads a file and reports a missing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "sbx-config-"));
    try {
      const file = join(dir, "server.jsonc");
      writeFileSync(file, EXAMPLE);
      expect(loadSandboxConfig(file).file).toBe(file);
      expect(() => loadSandboxConfig(join(dir, "missing.jsonc"))).toThrow(/cannot read config file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
