// Seatbelt profile generator: golden files (golden/*.sbpl) per policy shape, generated on
// Linux with a fake macOS canonicaliser (/tmp -> /private/tmp, /var -> /private/var).
// Regenerate with UPDATE_GOLDEN=1.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PermissionProfile, SandboxPolicy } from "../../../schema/src/index.ts";
import { globToRegexSource } from "../../src/permissions/glob.ts";
import { legacyToSplit, profileToSplit } from "../../src/permissions/model.ts";
import { planFromSplit, type ManagedPlan } from "../../src/permissions/resolve.ts";
import { SANDBOX_EXEC, seatbeltArgv, seatbeltProfile, wrapSeatbelt } from "../../src/sandbox/backends/seatbelt.ts";
import { SandboxRefusal } from "../../src/sandbox/backends/types.ts";

const GOLDEN = join(import.meta.dirname, "golden");
const fakeMac = (p: string): string => p.replace(/^\/(tmp|var)(?=\/|$)/, "/private/$1");
const env = { TMPDIR: "/var/folders/zz/T" };
const cwd = "/Users/dev/repo";

function managed(plan: ReturnType<typeof planFromSplit>): ManagedPlan {
  if (typeof plan === "string" || plan.kind !== "managed") throw new Error(`not managed: ${JSON.stringify(plan)}`);
  return plan;
}
const fromLegacy = (p: SandboxPolicy) => managed(planFromSplit(legacyToSplit(p), cwd, env));
const fromProfile = (p: PermissionProfile) => managed(planFromSplit(profileToSplit(p), cwd, env));

const root = { path: { type: "special" as const, value: { kind: "root" as const } }, access: "read" as const };
const project = { path: { type: "special" as const, value: { kind: "project_roots" as const, subpath: null } }, access: "write" as const };

const shapes: Record<string, ManagedPlan> = {
  "read-only-network-off": fromLegacy({ type: "readOnly", networkAccess: false }),
  "read-only-network-on": fromLegacy({ type: "readOnly", networkAccess: true }),
  "workspace-write": fromLegacy({
    type: "workspaceWrite",
    writableRoots: ["/Users/dev/cache"],
    networkAccess: false,
    excludeSlashTmp: false,
    excludeTmpdirEnvVar: false,
  }),
  "deny-read-path": fromProfile({
    type: "managed",
    fileSystem: { type: "restricted", entries: [root, project, { path: { type: "path", path: "/Users/dev/repo/secrets" }, access: "deny" }] },
    network: { enabled: false },
  }),
  "deny-read-glob": fromProfile({
    type: "managed",
    fileSystem: {
      type: "restricted",
      entries: [root, project, { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" }, { path: { type: "glob_pattern", pattern: "/tmp/work/*.key" }, access: "deny" }],
    },
    network: { enabled: false },
  }),
  "full-access-network-off": fromProfile({ type: "managed", fileSystem: { type: "unrestricted" }, network: { enabled: false } }),
  "restricted-read-minimal": fromProfile({
    type: "managed",
    fileSystem: {
      type: "restricted",
      entries: [
        { path: { type: "special", value: { kind: "minimal" } }, access: "read" },
        { path: { type: "path", path: "/opt/tools" }, access: "read" },
        project,
      ],
    },
    network: { enabled: true },
  }),
};

function render(plan: ManagedPlan): string {
  const { policy, params } = seatbeltProfile(plan, fakeMac);
  return `${policy};; ---- parameters ----\n${params.map(([k, v]) => `;; -D${k}=${v}`).join("\n")}\n`;
}

describe("Seatbelt profile goldens", () => {
  for (const [name, plan] of Object.entries(shapes)) {
    it(name, () => {
      const file = join(GOLDEN, `${name}.sbpl`);
      const text = render(plan);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(file, text);
      expect(existsSync(file), `missing golden ${file}; run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, "utf8"));
    });
  }
});

describe("Seatbelt details", () => {
  it("glob -> regex mapping", () => {
    expect(globToRegexSource("/tmp/repo/**/*.env")).toBe("^/tmp/repo/(.*/)?[^/]*\\.env$");
    expect(globToRegexSource("/tmp/repo/*/file[0-9]?.txt")).toBe("^/tmp/repo/[^/]*/file[0-9][^/]\\.txt$");
    expect(globToRegexSource("/tmp/repo/[*.env")).toBe("^/tmp/repo/\\[[^/]*\\.env$");
    expect(globToRegexSource("/tmp/repo/[!a]x")).toBe("^/tmp/repo/[^a]x$");
    expect(globToRegexSource("/tmp/repo/[^a]x")).toBe("^/tmp/repo/[\\^a]x$");
    expect(globToRegexSource("/tmp/plain")).toBe("^/tmp/plain(/.*)?$");
  });
  it("workspace write protects .git/.agents/.codex as literal and subpath exclusions", () => {
    const { policy, params } = seatbeltProfile(shapes["workspace-write"]!, fakeMac);
    expect(params.slice(0, 4)).toEqual([
      ["WRITABLE_ROOT_0", "/Users/dev/repo"],
      ["WRITABLE_ROOT_0_EXCLUDED_0", "/Users/dev/repo/.git"],
      ["WRITABLE_ROOT_0_EXCLUDED_1", "/Users/dev/repo/.agents"],
      ["WRITABLE_ROOT_0_EXCLUDED_2", "/Users/dev/repo/.codex"],
    ]);
    expect(params.map(([k]) => k).filter((k) => /^WRITABLE_ROOT_\d+$/.test(k)).length).toBe(4);
    expect(params.find(([, v]) => v === "/private/var/folders/zz/T")).toBeDefined();
    expect(policy).toContain('(require-not (literal (param "WRITABLE_ROOT_0_EXCLUDED_2")))');
    expect(policy).not.toContain("/Users/dev"); // paths only as parameters
  });
  it("the argv uses the fixed sandbox-exec path and -D parameters", () => {
    const argv = seatbeltArgv(shapes["read-only-network-off"]!, ["ls", "-l"], fakeMac);
    expect(argv[0]).toBe(SANDBOX_EXEC);
    expect(SANDBOX_EXEC).toBe("/usr/bin/sandbox-exec"); // the system's, never one found on PATH
    expect(argv[1]).toBe("-p");
    expect(argv.slice(3)).toEqual(["--", "ls", "-l"]);
  });
  it("refuses off macOS and relative paths", () => {
    expect(() => wrapSeatbelt(shapes["read-only-network-off"]!, ["true"], { cwd: "/", pty: false, env: {} }, "linux")).toThrow(SandboxRefusal);
    const bad = { ...shapes["deny-read-path"]!, denyPaths: ["relative/x"] };
    expect(() => seatbeltProfile(bad, fakeMac)).toThrow(/not absolute/);
  });
  // The cases below were added for survivors of `npm run mutation -- seatbelt`
  // (docs/mutation-testing.md): each pins a rule the goldens' shapes could not tell apart.
  const refusal = (f: () => unknown): SandboxRefusal => {
    try {
      f();
    } catch (e) {
      if (e instanceof SandboxRefusal) return e;
      throw e;
    }
    throw new Error("no refusal");
  };
  /** The exclusions the profile attaches to one read or write root. */
  const exclusions = (params: Array<[string, string]>, kind: "READABLE" | "WRITABLE", root: string): string[] => {
    const name = params.find(([k, v]) => new RegExp(`^${kind}_ROOT_\\d+$`).test(k) && v === root)?.[0];
    expect(name, `${kind} root ${root}`).toBeDefined();
    return params.filter(([k]) => k.startsWith(`${name}_EXCLUDED_`)).map(([, v]) => v);
  };
  it("says which path is relative, and refuses a canonicaliser's relative answer", () => {
    const bad = { ...shapes["deny-read-path"]!, denyPaths: ["relative/x"] };
    const e = refusal(() => seatbeltProfile(bad, fakeMac));
    expect(e.message).toBe("macos-seatbelt: sandbox path relative/x is not absolute");
    expect(e.reason).toBe("unsupported");
    const canonical = refusal(() => seatbeltProfile(shapes["workspace-write"]!, () => "rel"));
    expect(canonical.message).toBe("macos-seatbelt: canonical path rel is not absolute");
    expect(canonical.reason).toBe("unsupported");
  });
  it("off macOS the refusal says Seatbelt is unavailable; on macOS the command is wrapped", () => {
    const ctx = { cwd: "/", pty: false, env: {} };
    const e = refusal(() => wrapSeatbelt(shapes["read-only-network-off"]!, ["true"], ctx, "linux"));
    expect(e.reason).toBe("unavailable");
    expect(e.message).toBe("macos-seatbelt: Seatbelt is only available on macOS (this is linux)");
    const wrapped = wrapSeatbelt(shapes["read-only-network-off"]!, ["true"], ctx, "darwin");
    expect(wrapped).toMatchObject({ kind: "wrapped", backend: "macos-seatbelt", extraFds: [] });
    expect((wrapped as { argv: string[] }).argv.slice(-2)).toEqual(["--", "true"]);
  });
  it("passes every parameter as -DNAME=value", () => {
    const argv = seatbeltArgv(shapes["workspace-write"]!, ["ls"], fakeMac);
    expect(argv).toContain("-DWRITABLE_ROOT_0=/Users/dev/repo");
    expect(argv).toContain("-DWRITABLE_ROOT_0_EXCLUDED_0=/Users/dev/repo/.git");
  });
  it("excludes a denied path only from the roots it is at or under", () => {
    const plan = { ...shapes["restricted-read-minimal"]!, denyPaths: ["/opt/tools", "/Users/dev/repo/secrets"] };
    const { params } = seatbeltProfile(plan, fakeMac);
    expect(exclusions(params, "READABLE", "/opt/tools")).toEqual(["/opt/tools"]);
    expect(exclusions(params, "READABLE", "/Users/dev/repo")).toEqual(["/Users/dev/repo/secrets"]);
    expect(exclusions(params, "READABLE", "/System")).toEqual([]);
    const written = exclusions(params, "WRITABLE", "/Users/dev/repo");
    expect(written).toContain("/Users/dev/repo/secrets");
    expect(written).not.toContain("/opt/tools");
  });
  it("a read-only entry under a writable root is excluded from writing", () => {
    const plan = fromProfile({
      type: "managed",
      fileSystem: { type: "restricted", entries: [root, project, { path: { type: "path", path: "/Users/dev/repo/docs" }, access: "read" }] },
      network: { enabled: false },
    });
    expect(exclusions(seatbeltProfile(plan, fakeMac).params, "WRITABLE", "/Users/dev/repo")).toContain("/Users/dev/repo/docs");
  });
  it("full-disk write with a denied path writes / minus that path, never everything", () => {
    const plan = { ...shapes["full-access-network-off"]!, denyPaths: ["/Users/dev/repo/secrets"] };
    expect(plan.fullWrite && plan.fullRead).toBe(true);
    const { policy, params } = seatbeltProfile(plan, fakeMac);
    expect(policy).not.toContain('(allow file-write* (regex #"^/"))');
    expect(policy).not.toContain("(allow file-read*)\n");
    expect(exclusions(params, "WRITABLE", "/")).toEqual(["/Users/dev/repo/secrets"]);
    expect(exclusions(params, "READABLE", "/")).toEqual(["/Users/dev/repo/secrets"]);
  });
  it("a double quote in a deny glob cannot end the policy's regex string", () => {
    const plan = { ...shapes["deny-read-glob"]!, denyGlobs: ['/Users/dev/repo/a"b*.key'] };
    const { policy } = seatbeltProfile(plan, fakeMac);
    expect(policy).toContain('(deny file-read* (regex #"^/Users/dev/repo/a\\"b');
    expect(policy).not.toMatch(/[^\\]"b/);
  });
});
