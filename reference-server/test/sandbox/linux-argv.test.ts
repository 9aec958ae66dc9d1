// The bwrap argv per policy shape (golden, with the temp dir replaced by <W>), the shapes
// that fail closed, backend selection and placeholder bookkeeping.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PermissionProfile } from "../../../schema/src/index.ts";
import { profileToSplit } from "../../src/permissions/model.ts";
import { planFromSplit, type ManagedPlan, type SandboxPlan } from "../../src/permissions/resolve.ts";
import { buildBwrapArgs, wrapLinuxWithProbe, type LinuxProbeOk } from "../../src/sandbox/backends/linux-bwrap.ts";
import { SANDBOX_EXEC, probeLinuxSandbox, wrapCommand } from "../../src/sandbox/backends/index.ts";
import { SandboxRefusal } from "../../src/sandbox/backends/types.ts";
import { spawnWrapped } from "./helpers.ts";

let w: string;
beforeEach(() => {
  w = realpathSync(mkdtempSync(join(tmpdir(), "sbx-argv-")));
});
afterEach(() => rmSync(w, { recursive: true, force: true }));

const root = { path: { type: "special" as const, value: { kind: "root" as const } }, access: "read" as const };
const project = { path: { type: "special" as const, value: { kind: "project_roots" as const, subpath: null } }, access: "write" as const };
type Entry = Extract<PermissionProfile, { type: "managed" }>["fileSystem"] extends infer F ? (F extends { entries: infer E } ? E : never) : never;

function plan(entries: Entry, network = false, depth?: number): ManagedPlan {
  const p = planFromSplit(
    profileToSplit({
      type: "managed",
      fileSystem: { type: "restricted", entries, ...(depth === undefined ? {} : { globScanMaxDepth: depth }) },
      network: { enabled: network },
    }),
    w,
    {},
  );
  if (typeof p === "string" || p.kind !== "managed") throw new Error(String(p));
  return p;
}
const opts = (extra: Partial<Parameters<typeof buildBwrapArgs>[2]> = {}) => ({ pty: false, cwd: w, disableUserns: true, procMount: true, ...extra });
const rel = (args: string[]) => args.map((a) => a.replaceAll(w, "<W>"));

describe("bwrap argv (golden)", () => {
  it("read-only, network off", () => {
    const { args, placeholders } = buildBwrapArgs(plan([root]), ["ls"], opts());
    expect(rel(args)).toEqual([
      "--new-session", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--unshare-pid", "--unshare-net", "--proc", "/proc",
      "--chdir", "<W>", "--seccomp", "3", "--", "ls",
    ]);
    expect(placeholders).toEqual([]);
  });
  it("workspace write with .git, missing .agents/.codex, deny file, deny dir and deny glob; PTY mode, network on", () => {
    mkdirSync(join(w, ".git"));
    mkdirSync(join(w, "secrets"));
    mkdirSync(join(w, "a", "b"), { recursive: true });
    writeFileSync(join(w, "a", "b", "x.env"), "");
    writeFileSync(join(w, "top.env"), "");
    writeFileSync(join(w, "id_rsa"), "");
    const p = plan([
      root,
      project,
      { path: { type: "path", path: join(w, "id_rsa") }, access: "deny" },
      { path: { type: "path", path: join(w, "secrets") }, access: "deny" },
      { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
    ], true);
    const { args, placeholders } = buildBwrapArgs(p, ["sh"], opts({ pty: true }));
    expect(rel(args)).toEqual([
      "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
      "--bind", "<W>", "<W>",
      "--ro-bind", "<W>/.git", "<W>/.git",
      "--perms", "555", "--tmpfs", "<W>/.agents", "--remount-ro", "<W>/.agents",
      "--perms", "555", "--tmpfs", "<W>/.codex", "--remount-ro", "<W>/.codex",
      "--perms", "000", "--ro-bind-data", "4", "<W>/id_rsa",
      "--perms", "000", "--tmpfs", "<W>/secrets", "--remount-ro", "<W>/secrets",
      "--perms", "000", "--ro-bind-data", "4", "<W>/top.env",
      "--perms", "000", "--ro-bind-data", "4", "<W>/a/b/x.env",
      "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--unshare-pid", "--proc", "/proc",
      "--chdir", "<W>", "--seccomp", "3", "--", "sh",
    ]);
    expect(rel(placeholders)).toEqual(["<W>/.agents", "<W>/.codex"]);
  });
  it("a gitdir pointer file protects the git directory it points at", () => {
    mkdirSync(join(w, "gitdirs", "wt"), { recursive: true });
    writeFileSync(join(w, ".git"), "gitdir: gitdirs/wt\n");
    const { args } = buildBwrapArgs(plan([root, project]), ["true"], opts());
    const s = rel(args).join(" ");
    expect(s).toContain("--ro-bind <W>/.git <W>/.git");
    expect(s).toContain("--ro-bind <W>/gitdirs/wt <W>/gitdirs/wt");
  });
  it("a missing .git inside a parent repository is left alone (parent discovery)", () => {
    mkdirSync(join(w, ".git"));
    mkdirSync(join(w, "pkg"));
    const p = planFromSplit(profileToSplit({ type: "managed", fileSystem: { type: "restricted", entries: [root, project] }, network: { enabled: false } }), join(w, "pkg"), {});
    const { args } = buildBwrapArgs(p as ManagedPlan, ["true"], opts());
    expect(rel(args).join(" ")).not.toContain("<W>/pkg/.git");
    expect(rel(args).join(" ")).toContain("--tmpfs <W>/pkg/.codex");
  });
  it("restricted reads: an empty read-only root with the readable roots bound in", () => {
    mkdirSync(join(w, "data"));
    const p = plan([{ path: { type: "path", path: "/usr" }, access: "read" }, { path: { type: "path", path: join(w, "data") }, access: "read" }, project]);
    expect(rel(buildBwrapArgs(p, ["true"], opts()).args)).toEqual([
      "--new-session", "--die-with-parent", "--tmpfs", "/", "--dev", "/dev",
      "--ro-bind", "/usr", "/usr",
      "--bind", "<W>", "<W>",
      "--perms", "555", "--tmpfs", "<W>/.git", "--remount-ro", "<W>/.git",
      "--perms", "555", "--tmpfs", "<W>/.agents", "--remount-ro", "<W>/.agents",
      "--perms", "555", "--tmpfs", "<W>/.codex", "--remount-ro", "<W>/.codex",
      "--ro-bind", "<W>/data", "<W>/data",
      "--proc", "/proc", "--remount-ro", "/",
      "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--unshare-pid", "--unshare-net",
      "--chdir", "<W>", "--seccomp", "3", "--", "true",
    ]);
  });
  it("a writable root nested in a read-only carve-out stays writable (most specific wins)", () => {
    mkdirSync(join(w, "a", "b"), { recursive: true });
    mkdirSync(join(w, ".git"));
    const p = plan([
      root,
      project,
      { path: { type: "special", value: { kind: "project_roots", subpath: "a" } }, access: "read" },
      { path: { type: "path", path: join(w, "a", "b") }, access: "write" },
    ]);
    const { args, placeholders } = buildBwrapArgs(p, ["true"], opts());
    const mounts = rel(args).join(" ").replace(/^.*?--dev \/dev /, "").replace(/ --unshare-user.*$/, "");
    expect(mounts).toBe(
      "--bind <W> <W> --ro-bind <W>/.git <W>/.git --perms 555 --tmpfs <W>/.agents --remount-ro <W>/.agents " +
        "--perms 555 --tmpfs <W>/.codex --remount-ro <W>/.codex --ro-bind <W>/a <W>/a --bind <W>/a/b <W>/a/b " +
        "--perms 555 --tmpfs <W>/a/b/.agents --remount-ro <W>/a/b/.agents --perms 555 --tmpfs <W>/a/b/.codex --remount-ro <W>/a/b/.codex",
    );
    expect(rel(placeholders)).toEqual(["<W>/.agents", "<W>/.codex", "<W>/a/b/.agents", "<W>/a/b/.codex"]);
  });
  it("scratch roots (/tmp, $TMPDIR) protect only existing metadata, and only while it exists: no placeholders there", () => {
    mkdirSync(join(w, "scratch", ".git"), { recursive: true });
    const p = planFromSplit(
      profileToSplit({
        type: "managed",
        fileSystem: { type: "restricted", entries: [root, { path: { type: "special", value: { kind: "tmpdir" } }, access: "write" }] },
        network: { enabled: false },
      }),
      w,
      { TMPDIR: join(w, "scratch") },
    ) as ManagedPlan;
    const { args, placeholders } = buildBwrapArgs(p, ["true"], opts());
    // -try: another sandbox's mount point there may vanish before bwrap starts (seen as
    // "bwrap: Can't find source path /tmp/.git" while Codex ran beside this server)
    expect(rel(args).join(" ")).toContain("--bind <W>/scratch <W>/scratch --ro-bind-try <W>/scratch/.git <W>/scratch/.git --unshare-user");
    expect(placeholders).toEqual([]);
  });
  it("full-disk write with network off binds / read-write and keeps the denies", () => {
    writeFileSync(join(w, "k.pem"), "");
    const p = plan([{ path: { type: "special", value: { kind: "root" } }, access: "write" }, { path: { type: "path", path: join(w, "k.pem") }, access: "deny" }]);
    expect(rel(buildBwrapArgs(p, ["true"], opts()).args).slice(0, 12)).toEqual([
      "--new-session", "--die-with-parent", "--bind", "/", "/", "--dev", "/dev", "--perms", "000", "--ro-bind-data", "4", "<W>/k.pem",
    ]);
  });
});

describe("shapes that fail closed", () => {
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxRefusal);
      return (e as SandboxRefusal).message;
    }
    throw new Error("expected a SandboxRefusal");
  };
  it("a deny path that contains a writable root", () => {
    mkdirSync(join(w, "inner"));
    const p = plan([root, { path: { type: "path", path: join(w, "inner") }, access: "write" }, { path: { type: "path", path: w }, access: "deny" }]);
    expect(refusal(() => buildBwrapArgs(p, ["true"], opts()))).toMatch(/contains a writable root/);
  });
  it("a deny path crossing a symlink inside a writable root", () => {
    mkdirSync(join(w, "real"));
    writeFileSync(join(w, "real", "s.txt"), "");
    symlinkSync(join(w, "real"), join(w, "link"));
    const p = plan([root, project, { path: { type: "path", path: join(w, "link", "s.txt") }, access: "deny" }]);
    expect(refusal(() => buildBwrapArgs(p, ["true"], opts()))).toMatch(/crosses the writable symlink/);
  });
  it("a root-level deny glob", () => {
    const p = plan([root, { path: { type: "glob_pattern", pattern: "/**/*.env" }, access: "deny" }]);
    expect(refusal(() => buildBwrapArgs(p, ["true"], opts()))).toMatch(/root-level scan/);
  });
  it("a deny glob over the match cap or the entry cap", () => {
    for (let i = 0; i < 6; i++) writeFileSync(join(w, `f${i}.env`), "");
    const p = plan([root, { path: { type: "glob_pattern", pattern: `${w}/*.env` }, access: "deny" }]);
    expect(refusal(() => buildBwrapArgs(p, ["true"], opts({ globLimits: { matchCap: 5 } })))).toMatch(/matches more than 5/);
    expect(refusal(() => buildBwrapArgs(p, ["true"], opts({ globLimits: { entryCap: 3 } })))).toMatch(/more than 3 entries/);
  });
});

describe("backend selection", () => {
  const managed = () => plan([root]);
  it("none and external plans run directly; so does a managed plan with nothing to restrict", async () => {
    for (const p of [{ kind: "none" }, { kind: "external", network: false }] as SandboxPlan[]) {
      const r = await wrapCommand(p, ["echo", "hi"], { cwd: "/", pty: false, env: {} }, { platform: "win32" });
      expect(r).toMatchObject({ kind: "wrapped", backend: "none", argv: ["echo", "hi"] });
    }
    const open = plan([{ path: { type: "special", value: { kind: "root" } }, access: "write" }], true);
    expect(await wrapCommand(open, ["x"], { cwd: "/", pty: false, env: {} }, { platform: "win32" })).toMatchObject({ backend: "none" });
  });
  it("Windows and other platforms refuse managed plans", async () => {
    for (const platform of ["win32", "freebsd"] as const) {
      const r = await wrapCommand(managed(), ["x"], { cwd: "/", pty: false, env: {} }, { platform });
      expect(r).toBeInstanceOf(SandboxRefusal);
      expect((r as SandboxRefusal).message).toMatch(/only danger-full-access and external-sandbox/);
    }
  });
  it("a failed Linux probe refuses every managed plan (no silent fallback)", async () => {
    const r = await wrapCommand(managed(), ["x"], { cwd: "/", pty: false, env: {} }, {
      platform: "linux",
      linuxProbe: async () => ({ ok: false, reason: "bubblewrap (bwrap) is not installed" }),
    });
    expect(r).toBeInstanceOf(SandboxRefusal);
    expect((r as SandboxRefusal).reason).toBe("unavailable");
    expect((r as SandboxRefusal).message).toMatch(/bwrap\) is not installed.*refusing/);
  });
  it("darwin uses sandbox-exec", async () => {
    const r = await wrapCommand(managed(), ["ls"], { cwd: "/", pty: false, env: {} }, { platform: "darwin" });
    expect(r).toMatchObject({ kind: "wrapped", backend: "macos-seatbelt" });
    expect((r as { argv: string[] }).argv[0]).toBe(SANDBOX_EXEC);
  });
});

const probe = process.platform === "linux" ? await probeLinuxSandbox() : undefined;
describe.skipIf(!probe?.ok)("placeholders (live bwrap)", () => {
  it("concurrent runs share placeholders; the last cleanup removes them", async () => {
    const p = plan([root, project]);
    const ctx = { cwd: w, pty: false, env: {} };
    const a = wrapLinuxWithProbe(p, ["/bin/true"], ctx, probe as LinuxProbeOk);
    const b = wrapLinuxWithProbe(p, ["/bin/true"], ctx, probe as LinuxProbeOk);
    const ra = await spawnWrapped(a, w);
    expect(ra.code).toBe(0);
    expect(existsSync(join(w, ".codex"))).toBe(true); // still referenced by b
    const rb = await spawnWrapped(b, w);
    expect(rb.code).toBe(0);
    expect(existsSync(join(w, ".codex"))).toBe(false);
    expect(existsSync(join(w, ".agents"))).toBe(false);
    expect(existsSync(join(w, ".git"))).toBe(false);
  });
  it("cleanup removes the seccomp temp directory", async () => {
    const wrapped = wrapLinuxWithProbe(plan([root]), ["/bin/true"], { cwd: w, pty: false, env: {} }, probe as LinuxProbeOk);
    const filter = wrapped.argv[4]!;
    expect(existsSync(filter)).toBe(true);
    await spawnWrapped(wrapped, w);
    expect(existsSync(filter)).toBe(false);
  });
});
