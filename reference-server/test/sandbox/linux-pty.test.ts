// PTY mode: the shell trampoline works under node-pty (which cannot pass extra fds), the
// command keeps its terminal (no --new-session), and TIOCSTI injection is denied.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { probeLinuxSandbox } from "../../src/sandbox/backends/index.ts";
import { wrapCommand } from "../../src/sandbox/backends/index.ts";
import { planFor } from "./helpers.ts";
import { DEFAULT_PERMISSIONS_CONFIG } from "../../src/permissions/resolve.ts";

const probe = process.platform === "linux" ? await probeLinuxSandbox() : { ok: false as const, reason: "not Linux" };
if (!probe.ok) console.warn(`SKIPPING PTY sandbox tests: ${probe.reason}`);

const dir = realpathSync(mkdtempSync(join(tmpdir(), "sbx-pty-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runPty(argv: string[]): Promise<{ output: string; exitCode: number; argv: string[] }> {
  const pty = (await import("node-pty")) as typeof import("node-pty");
  const w = await wrapCommand(planFor(DEFAULT_PERMISSIONS_CONFIG, dir), argv, { cwd: dir, pty: true, env: {} });
  if (w.kind === "refused") throw w;
  const [file, ...args] = w.argv;
  const term = pty.spawn(file!, args, { cwd: dir, cols: 100, rows: 30, env: process.env as Record<string, string>, name: "xterm" });
  let output = "";
  term.onData((d) => (output += d));
  const exitCode = await new Promise<number>((res) => term.onExit(({ exitCode }) => res(exitCode)));
  w.cleanup();
  return { output, exitCode, argv: w.argv };
}

describe.skipIf(!probe.ok)("PTY mode (live bwrap under node-pty)", () => {
  it("the command has a terminal of the requested size", async () => {
    const r = await runPty(["/bin/sh", "-c", "test -t 0 && echo TTY; stty size"]);
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/TTY\r?\n30 100/);
    expect(r.argv).not.toContain("--new-session");
  });
  it("TIOCSTI terminal injection is denied", async () => {
    const r = await runPty(["/usr/bin/perl", "-e", 'my $c = "x"; ioctl(STDIN, 0x5412, $c) ? print "INJECTED\\n" : print "DENIED $!\\n"']);
    expect(r.output).toMatch(/DENIED Operation not permitted/);
    expect(r.output).not.toMatch(/INJECTED/);
  });
});
