// Real escape attempts inside the Linux sandbox (bwrap + seccomp). Each attack must be
// denied, and the same attempt must succeed where the policy allows it. The wrapped argv
// is spawned directly with child_process; no server involved.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PermissionProfile } from "../../../schema/src/index.ts";
import { DEFAULT_PERMISSIONS_CONFIG, type PermissionsConfig } from "../../src/permissions/resolve.ts";
import { probeLinuxSandbox, wrapCommand, type LinuxProbe } from "../../src/sandbox/backends/index.ts";
import { nodeEval, planFor, runInSandbox } from "./helpers.ts";

const probe: LinuxProbe =
  process.platform === "linux" ? await probeLinuxSandbox() : { ok: false, reason: `not Linux (${process.platform})` };
const skipReason = probe.ok ? undefined : `bwrap sandbox cannot run here: ${probe.reason}`;
if (skipReason) console.warn(`SKIPPING live sandbox tests: ${skipReason}`);
const live = describe.skipIf(!probe.ok);

const entry = (path: object, access: "read" | "write" | "deny"): unknown => ({ path, access });
const root = { type: "special", value: { kind: "root" } };
const project = { type: "special", value: { kind: "project_roots", subpath: null } };

let base: string;
let ws: string;
let outside: string;
let hostSocket: string;
let tcp: Server;
let unix: Server;
let tcpPort: number;
let tcpConnections = 0;
let unixConnections = 0;

function profile(entries: unknown[], network = false): PermissionProfile {
  return { type: "managed", fileSystem: { type: "restricted", entries: entries as never }, network: { enabled: network } };
}

/** Workspace write, the project root is `ws`; no /tmp or $TMPDIR so `outside` is really outside. */
const workspaceProfile = (extra: unknown[] = [], network = false) => profile([entry(root, "read"), entry(project, "write"), ...extra], network);
const denyProfile = (extra: unknown[] = []) =>
  workspaceProfile([
    entry({ type: "glob_pattern", pattern: "**/*.env" }, "deny"),
    entry({ type: "path", path: "/PLACEHOLDER/private.key" }, "deny"),
    ...extra,
  ]);

function withWs(p: PermissionProfile): PermissionProfile {
  return JSON.parse(JSON.stringify(p).replaceAll("/PLACEHOLDER", ws)) as PermissionProfile;
}

const config: PermissionsConfig = DEFAULT_PERMISSIONS_CONFIG;
const run = (p: PermissionProfile, argv: string[], extra: { pty?: boolean; fdPassing?: "shell" | "stdio" } = {}) =>
  runInSandbox(planFor(config, ws, withWs(p)), argv, { cwd: ws, ...extra });

const sh = (script: string): string[] => ["/bin/sh", "-c", script];
const DGRAM_LISTENER = 'socket(S, AF_UNIX, SOCK_DGRAM, 0) or die "socket: $!"; bind(S, pack_sockaddr_un($ARGV[0])) or die "bind: $!"; $| = 1; print "READY\\n"; recv(S, my $b, 100, 0); print "GOT $b\\n"';
const DGRAM_SENDER = 'socket(my $s, AF_UNIX, SOCK_DGRAM, 0) or do { print "DENIED $!\\n"; exit 0 }; defined(send($s, "hello", 0, pack_sockaddr_un($ARGV[0]))) ? print "SENT\\n" : print "DENIED $!\\n"';

const connectScript = (target: string) => `
const net = require("net");
const s = net.connect(${target});
s.on("connect", () => console.log("CONNECTED"));
s.on("data", (d) => { console.log("DATA " + d); s.end(); });
s.on("error", (e) => { console.log("ERR " + e.code); process.exitCode = 3; });
`;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "sbx-escape-"));
  ws = join(base, "ws");
  outside = join(base, "outside");
  mkdirSync(join(ws, ".git"), { recursive: true });
  mkdirSync(join(ws, "sub", "deeper"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(ws, ".git", "config"), "[core]\n");
  writeFileSync(join(ws, "notes.txt"), "public notes\n");
  writeFileSync(join(ws, "secret.env"), "TOP_SECRET=1\n");
  writeFileSync(join(ws, "sub", "deeper", "app.env"), "DEEP_SECRET=1\n");
  writeFileSync(join(ws, "private.key"), "PRIVATE KEY\n");
  hostSocket = join(base, "host.sock");
  tcp = createServer((s) => {
    s.on("error", () => {});
    tcpConnections++;
    s.end("hello-tcp");
  });
  unix = createServer((s) => {
    s.on("error", () => {});
    unixConnections++;
    s.end("hello-unix");
  });
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", () => r()));
  await new Promise<void>((r) => unix.listen(hostSocket, () => r()));
  tcpPort = (tcp.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => tcp?.close(() => r()));
  await new Promise<void>((r) => unix?.close(() => r()));
  if (base) rmSync(base, { recursive: true, force: true });
});

live("filesystem writes", () => {
  it("write outside the writable roots is denied", async () => {
    const r = await run(workspaceProfile(), sh(`echo pwned > ${outside}/x`));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(existsSync(join(outside, "x"))).toBe(false);
  });
  it("write outside succeeds when the policy adds it as a writable root", async () => {
    const r = await run(workspaceProfile([entry({ type: "path", path: outside }, "write")]), sh(`echo ok > ${outside}/x && cat ${outside}/x`));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(outside, "x"), "utf8")).toBe("ok\n");
    rmSync(join(outside, "x"));
  });
  it("write inside the workspace succeeds", async () => {
    const r = await run(workspaceProfile(), sh("echo ok > inside.txt"));
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws, "inside.txt"), "utf8")).toBe("ok\n");
    rmSync(join(ws, "inside.txt"));
  });
  it("write into .git is denied, creating .codex / .agents is denied, and the placeholders are cleaned up", async () => {
    const r = await run(workspaceProfile(), sh("echo x >> .git/config; a=$?; mkdir .codex/hooks; b=$?; touch .agents; c=$?; echo $a $b $c"));
    expect(r.stdout.trim().split(" ").map(Number).every((n) => n !== 0)).toBe(true);
    expect(readFileSync(join(ws, ".git", "config"), "utf8")).toBe("[core]\n");
    expect(existsSync(join(ws, ".codex"))).toBe(false);
    expect(existsSync(join(ws, ".agents"))).toBe(false);
  });
  it("write into .git succeeds when an explicit write entry names it", async () => {
    const p = workspaceProfile([entry({ type: "special", value: { kind: "project_roots", subpath: ".git" } }, "write")]);
    const r = await run(p, sh("echo '# ok' >> .git/config"));
    expect(r.code).toBe(0);
    expect(readFileSync(join(ws, ".git", "config"), "utf8")).toBe("[core]\n# ok\n");
    writeFileSync(join(ws, ".git", "config"), "[core]\n");
  });
  it("remounting / read-write as root, unmounting the .git carve-out and nested user namespaces are denied", async () => {
    const r = await run(
      workspaceProfile(),
      sh(
        `mount -o remount,bind,rw / 2>/dev/null && echo REMOUNTED; umount ${ws}/.git 2>/dev/null && echo UNMOUNTED; ` +
          `unshare -Ur true 2>/dev/null && echo NESTED; grep CapEff /proc/self/status; echo x > /etc/sbx-escape-probe 2>/dev/null && echo WROTE_ETC; true`,
      ),
    );
    expect(r.stdout).not.toMatch(/REMOUNTED|UNMOUNTED|NESTED|WROTE_ETC/);
    expect(r.stdout).toMatch(/CapEff:\s*0+\n/);
    expect(existsSync("/etc/sbx-escape-probe")).toBe(false);
  });
});

live("deny-read", () => {
  it("reading a denied file and glob-denied files fails; other files stay readable", async () => {
    const r = await run(denyProfile(), sh("cat private.key; cat secret.env; cat sub/deeper/app.env; cat notes.txt"));
    expect(r.stdout).toBe("public notes\n");
    expect(r.stdout).not.toMatch(/SECRET|PRIVATE/);
    expect(r.stderr).toMatch(/Permission denied/);
  });
  it("the same reads succeed without the deny entries", async () => {
    const r = await run(workspaceProfile(), sh("cat private.key secret.env sub/deeper/app.env"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("PRIVATE KEY\nTOP_SECRET=1\nDEEP_SECRET=1\n");
  });
  it("a denied file cannot be replaced, chmod-ed or deleted to get around the mask", async () => {
    const r = await run(denyProfile(), sh("rm -f secret.env; chmod 644 secret.env; mv secret.env moved.env; cat secret.env moved.env"));
    expect(r.stdout).not.toMatch(/SECRET/);
    expect(readFileSync(join(ws, "secret.env"), "utf8")).toBe("TOP_SECRET=1\n");
    expect(existsSync(join(ws, "moved.env"))).toBe(false);
  });
  it("a missing denied path inside the workspace cannot be created and read; its placeholder is removed", async () => {
    const p = workspaceProfile([entry({ type: "path", path: "/PLACEHOLDER/later.key" }, "deny")]);
    const r = await run(p, sh("echo leaked > later.key; cat later.key"));
    expect(r.stdout).not.toMatch(/leaked/);
    expect(existsSync(join(ws, "later.key"))).toBe(false);
  });
  it("glob scan depth bounds the expansion (deeper matches stay readable, as configured)", async () => {
    const p = workspaceProfile([entry({ type: "glob_pattern", pattern: "**/*.env" }, "deny")]);
    const shallow = { ...p, fileSystem: { ...(p as { fileSystem: object }).fileSystem, globScanMaxDepth: 1 } } as PermissionProfile;
    const r = await run(shallow, sh("cat secret.env; cat sub/deeper/app.env"));
    expect(r.stdout).toBe("DEEP_SECRET=1\n");
  });
});

live("restricted reads", () => {
  const minimal = { type: "special", value: { kind: "minimal" } };
  it("only the platform defaults and the workspace are visible; the root is read-only", async () => {
    writeFileSync(join(outside, "visible-on-host.txt"), "host\n");
    const p = profile([entry(minimal, "read"), entry(project, "write")]);
    const r = await run(p, sh(`cat ${outside}/visible-on-host.txt; cat notes.txt; echo x > /newfile; echo ok > inside-restricted.txt && echo WROTE`));
    expect(r.stdout).toBe("public notes\nWROTE\n");
    expect(r.stderr).toMatch(/No such file or directory/);
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(join(ws, "inside-restricted.txt"), "utf8")).toBe("ok\n");
    rmSync(join(ws, "inside-restricted.txt"));
  });
  it("the same read succeeds with a readable root", async () => {
    const r = await run(workspaceProfile(), sh(`cat ${outside}/visible-on-host.txt`));
    expect(r.stdout).toBe("host\n");
  });
});

live("network", () => {
  it("TCP connect to a host listener on 127.0.0.1 is denied with the network off", async () => {
    const before = tcpConnections;
    const r = await run(workspaceProfile(), nodeEval(connectScript(`${tcpPort}, "127.0.0.1"`)));
    expect(r.stdout).toMatch(/ERR EPERM/);
    expect(r.stdout).not.toMatch(/CONNECTED/);
    expect(tcpConnections).toBe(before);
  });
  it("connect to a host Unix socket is denied with the network off", async () => {
    const before = unixConnections;
    const r = await run(workspaceProfile(), nodeEval(connectScript(JSON.stringify(hostSocket))));
    expect(r.stdout).toMatch(/ERR EPERM/);
    expect(r.stdout).not.toMatch(/CONNECTED/);
    expect(unixConnections).toBe(before);
  });
  it("sending a datagram to a host Unix datagram socket is denied with the network off, allowed with it on", async () => {
    const path = join(base, "dgram.sock");
    const listener = spawn("/usr/bin/perl", ["-MSocket", "-e", DGRAM_LISTENER, path], { stdio: ["ignore", "pipe", "inherit"] });
    let heard = "";
    const ready = new Promise<void>((res) => listener.stdout.setEncoding("utf8").on("data", (d: string) => ((heard += d), heard.includes("READY") && res())));
    const got = new Promise<void>((res) => listener.stdout.on("data", () => heard.includes("GOT") && res()));
    try {
      await ready;
      const off = await run(workspaceProfile(), ["/usr/bin/perl", "-MSocket", "-e", DGRAM_SENDER, path]);
      expect(off.stdout).toMatch(/DENIED Operation not permitted/);
      const on = await run(workspaceProfile([], true), ["/usr/bin/perl", "-MSocket", "-e", DGRAM_SENDER, path]);
      expect(on.stdout).toMatch(/SENT/);
      await got;
      expect(heard).toMatch(/GOT hello/);
    } finally {
      listener.kill();
    }
  });
  it("AF_UNIX socketpair still works with the network off (subprocess pipes)", async () => {
    const r = await run(workspaceProfile(), nodeEval(`const r = require("child_process").spawnSync("/bin/echo", ["child-ok"], { stdio: "pipe" }); console.log(String(r.stdout).trim(), r.error ? r.error.code : "")`));
    expect(r.stdout.trim()).toBe("child-ok");
  });
  it("both connects succeed with the network on", async () => {
    const t = await run(workspaceProfile([], true), nodeEval(connectScript(`${tcpPort}, "127.0.0.1"`)));
    expect(t.stdout).toMatch(/CONNECTED/);
    expect(t.stdout).toMatch(/DATA hello-tcp/);
    const u = await run(workspaceProfile([], true), nodeEval(connectScript(JSON.stringify(hostSocket))));
    expect(u.stdout).toMatch(/DATA hello-unix/);
  });
});

live("processes", () => {
  it("host processes are invisible and cannot be signalled (PID namespace)", async () => {
    const r = await run(workspaceProfile(), sh(`kill -0 ${process.pid} 2>/dev/null && echo SIGNALLED; echo $$`));
    expect(r.stdout).not.toMatch(/SIGNALLED/);
    expect(r.stdout.trim()).toBe("2"); // pid 1 is bwrap's init inside the new PID namespace
  });
  it("killing the wrapper's process group takes the whole sandbox down (--die-with-parent)", async () => {
    const w = await wrapCommand(planFor(config, ws, withWs(workspaceProfile())), sh("echo ready; exec sleep 1000"), { cwd: ws, pty: false, env: {} });
    if (w.kind === "refused") throw w;
    const [file, ...args] = w.argv;
    const child = spawn(file!, args, { cwd: ws, detached: true, stdio: ["ignore", "pipe", "inherit"] });
    // 'close' fires only once every holder of the stdout pipe (the sandboxed sleep too) is gone.
    const closed = new Promise<void>((res) => child.once("close", () => res()));
    await new Promise<void>((res) => child.stdout.setEncoding("utf8").on("data", (d: string) => d.includes("ready") && res()));
    process.kill(-child.pid!, "SIGKILL");
    await closed;
    w.cleanup();
  }, 10_000);
});

live("fd passing and defaults", () => {
  it("stdio fd passing enforces the same policy", async () => {
    const r = await run(denyProfile(), sh(`cat secret.env; echo x > ${outside}/y; cat notes.txt`), { fdPassing: "stdio" });
    expect(r.stdout).toBe("public notes\n");
    expect(existsSync(join(outside, "y"))).toBe(false);
    expect(r.argv[0]).toBe((probe as { bwrapPath: string }).bwrapPath);
  });
  it("the default (no config) is read-only with the network off", async () => {
    const plan = planFor(DEFAULT_PERMISSIONS_CONFIG, ws);
    const r = await runInSandbox(plan, sh("echo x > default.txt; echo rc=$?"), { cwd: ws });
    expect(r.stdout).toMatch(/rc=[1-9]/);
    expect(existsSync(join(ws, "default.txt"))).toBe(false);
  });
  it("pipe mode uses --new-session, PTY mode does not", async () => {
    const pipe = await run(workspaceProfile(), ["/bin/true"]);
    expect(pipe.argv).toContain("--new-session");
    expect(pipe.argv).toContain("--die-with-parent");
    expect(pipe.argv).toContain("--cap-drop");
    const pty = await run(workspaceProfile(), ["/bin/true"], { pty: true });
    expect(pty.argv).not.toContain("--new-session");
    expect(pty.code).toBe(0);
  });
});
