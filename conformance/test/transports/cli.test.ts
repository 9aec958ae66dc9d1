// The CLI over sockets: `run` / `probe` with `--server ws://…` (and `--auth-token-file`)
// or `--server unix://…` against a server that is already running (the built CLI and
// reference server, as a user runs them).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/probe/probe-path.ts";

// Servers here are Node programs; under Deno, process.execPath is the Deno binary.
const NODE = process.execPath.includes("deno") ? "node" : process.execPath;

const ROOT = packageRoot();
const SERVER_JS = join(ROOT, "dist", "reference-server", "src", "main.cjs");
const CLI_JS = join(ROOT, "dist", "conformance", "src", "cli", "main.js");
const built = existsSync(SERVER_JS) && existsSync(CLI_JS);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(NODE, [CLI_JS, ...args], { cwd: ROOT, timeout: 60_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function listen(dir: string, listen: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const ready = join(mkdtempSync(join(dir, "r-")), "ready");
  const child = spawn(NODE, [SERVER_JS, "--listen", listen, "--ready-file", ready, ...extra], { cwd: dir, stdio: "ignore" });
  const deadline = Date.now() + 20_000;
  while (!existsSync(ready)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server on ${listen} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url: readFileSync(ready, "utf8").trim() };
}

describe.skipIf(!built || process.platform === "win32")("cli over sockets", () => {
  const dir = mkdtempSync(join(tmpdir(), "asc-cli-sock-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, "cli-token-42\n", { mode: 0o600 });
  let ws: { child: ChildProcess; url: string };
  let unix: { child: ChildProcess; url: string };
  beforeAll(async () => {
    ws = await listen(dir, "ws://127.0.0.1:0", ["--ws-auth", "capability-token", "--ws-token-file", tokenFile]);
    unix = await listen(dir, `unix://${join(dir, "s.sock")}`);
  });
  afterAll(() => {
    if (ws?.child.pid) process.kill(ws.child.pid, "SIGTERM");
    if (unix?.child.pid) process.kill(unix.child.pid, "SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("run --server ws://… --auth-token-file connects to the running server", async () => {
    const out = join(dir, "ws.json");
    const r = await cli(["run", "--server", ws.url, "--auth-token-file", tokenFile, "--filter", "exec.buffered.*", "--reporter", "json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as { implementation: string; counts: Record<string, number> };
    expect(report.implementation).toBe(ws.url);
    expect(report.counts.pass).toBeGreaterThan(3);
    expect((report.counts.fail ?? 0) + (report.counts.error ?? 0)).toBe(0);
  }, 60_000);

  it("run --server ws://… without the token is a setup error (401), reported once", async () => {
    const out = join(dir, "ws-no-token.json");
    const r = await cli(["run", "--server", ws.url, "--filter", "exec.buffered.*", "--reporter", "json", "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server could not start: .*401/);
    expect(r.stderr.match(/could not start/g)).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it("probe --server unix://… prints the transcript", async () => {
    const r = await cli(["probe", "--server", unix.url, "--method", "command/exec", "--params", '{"command":["${probe}","out","hi"]}', "--wait", "50"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`connected to ${unix.url}`);
    expect(r.stdout).toMatch(/"id":"probe-1","result":\{"exitCode":0,"stdout":"hi"/);
  }, 30_000);

  it("refuses --auth-token-file with a command line, and non-loopback addresses", async () => {
    const a = await cli(["run", "--server", "node server.js", "--auth-token-file", tokenFile]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--auth-token-file applies to --server ws:\/\/… and unix:\/\/… only/);
    const b = await cli(["probe", "--server", "ws://10.1.2.3:4500", "--method", "initialize"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/only loopback addresses/);
  }, 30_000);
});
