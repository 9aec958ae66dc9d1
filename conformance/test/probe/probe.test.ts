// The probe program (built, under Node): each action does what fixtures rely on.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROBE, probeBuilt } from "../support/helpers.ts";

const run = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
  spawnSync(PROBE[0]!, [...PROBE.slice(1), ...args], { encoding: "utf8", timeout: 10_000, ...opts });

describe.skipIf(!probeBuilt)("probe", () => {
  it("writes text and patterned bytes to stdout and stderr", () => {
    const r = run(["out", "a\\tb\\n", "err", "E", "outn", "12", "errn", "3", "xy"]);
    expect(r.stdout).toBe("a\tb\n012345678901");
    expect(r.stderr).toBe("Exyx");
    expect(r.status).toBe(0);
  });
  it("interleaves", () => {
    const r = run(["interleave", "3", "2"]);
    expect(r.stdout).toBe("oooooo");
    expect(r.stderr).toBe("eeeeee");
  });
  it("echoes and counts stdin, reads a line", () => {
    expect(run(["echo"], { input: "hello" }).stdout).toBe("hello");
    expect(run(["echo-err"], { input: "x" }).stderr).toBe("x");
    expect(run(["count-stdin"], { input: "12345" }).stdout).toBe("bytes:5\n");
    expect(run(["readline", "out", "after"], { input: "first\nsecond\n" }).stdout).toBe("line:first\nafter");
  });
  it("exits with a code or a signal", () => {
    expect(run(["exit", "7", "out", "never"]).status).toBe(7);
    const r = run(["signal", "SIGKILL"]);
    expect(r.signal).toBe("SIGKILL");
  });
  it("prints env, cwd, tty state and size", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-probe-test-"));
    const r = run(["env", "A", "B", "cwd", "tty", "size"], { env: { ...process.env, A: "1", B: undefined }, cwd: dir });
    expect(r.stdout).toBe(`A=1\nB unset\n${dir}\nstdin:false stdout:false\nno-tty\n`);
  });
  it("writes, reads and waits for files; markers appear later", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-probe-test-"));
    const r = run(["write", "f.txt", "content", "cat", "f.txt", "marker", "m.txt", "50", "wait-file", "m.txt", "2000", "out", "!"], { cwd: dir });
    expect(r.stdout).toBe("content!");
    expect(readFileSync(join(dir, "m.txt"), "utf8")).toBe("marker\n");
    expect(run(["wait-file", "never", "100"], { cwd: dir }).status).toBe(65);
  });
  it("records its pid when asked", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-probe-pids-"));
    const r = run(["pid"], { env: { ...process.env, APP_SERVER_CONFORMANCE_PIDS: dir } });
    const pid = /pid:(\d+)/.exec(r.stdout)?.[1];
    expect(pid).toBeDefined();
    expect(existsSync(join(dir, pid!))).toBe(true);
  });
  it("listens on TCP and a Unix socket; connects, or names why it could not", () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-probe-test-"));
    const r = run(["listen", "port", "3000", "listen-unix", "s.sock", "3000", "wait-file", "port", "wait-file", "s.sock", "connect", "port", "connect-unix", "s.sock"], { cwd: dir });
    expect(r.stdout).toBe("connect:ok\nconnect:ok\n");
    const refused = run(["write", "port", "1", "connect", "port", "connect-unix", "missing.sock"], { cwd: dir });
    expect(refused.stdout).toBe("connect:ECONNREFUSED\nconnect:ENOENT\n");
  });
  it("rejects unknown actions", () => {
    const r = run(["frobnicate"]);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain("unknown action");
  });
  it("ignores SIGTERM when asked", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(PROBE[0]!, [...PROBE.slice(1), "ignore-term", "out", "ready", "sleep", "400", "out", "survived"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      // process.kill: Deno's ChildProcess.kill() misreports the exit status.
      if (out === "ready") process.kill(child.pid!, "SIGTERM");
    });
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(out).toBe("readysurvived");
    expect(code).toBe(0);
  });
});
