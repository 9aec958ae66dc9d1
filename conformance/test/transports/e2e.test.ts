// End to end: a sample of the fixture corpus through the real runner (runFixture) against
// the real reference server over stdio, a WebSocket (capability-token auth) and a Unix
// socket. The runner is not switched over yet, so this test swaps ServerProcess for the
// transport switch the runner will use (openServer with `connect`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StartOptions } from "../../src/server-process.ts";
import type { SocketTarget } from "../../src/transports/types.ts";

const switchTo = vi.hoisted(() => ({ target: undefined as SocketTarget | undefined }));

vi.mock("../../src/server-process.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/server-process.ts")>();
  const { WebSocketConnection } = await import("../../src/transports/ws-connection.ts");
  /** What `openServer` does: a socket connection when a target is set, else the child process. */
  class SwitchingServer {
    constructor(opts: StartOptions) {
      const target = switchTo.target;
      if (target === undefined) return new original.ServerProcess(opts);
      return new WebSocketConnection({ target, onLine: opts.onLine, onExit: opts.onExit, retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 200 } });
    }
  }
  return { ...original, ServerProcess: SwitchingServer };
});

const { runFixture } = await import("../../src/run-fixture.ts");
const { loadFixtures } = await import("../../src/fixture/load.ts");
const { packageRoot } = await import("../../src/probe-path.ts");
const { parseSocketTarget } = await import("../../src/transports/index.ts");

const ROOT = packageRoot();
const SERVER_JS = join(ROOT, "dist", "reference-server", "src", "main.js");
const PROBE = [process.execPath, join(ROOT, "dist", "conformance", "src", "probe", "probe.js")];
const built = existsSync(SERVER_JS) && existsSync(PROBE[1]!);

const SAMPLE = [
  "handshake.already-initialized",
  "handshake.invalid-json-ignored",
  "exec.buffered.argv-verbatim",
  "exec.buffered.stdout-stderr",
  "exec.stdin.echo",
  "exec.stream.large",
  "exec.stream.only-own-process-id",
  "exec.terminate.streaming",
  "exec.tty.write",
  "errors.exec-duplicate-process-id",
  "gating.process-spawn",
  "connection.close-kills-exec",
  "connection.close-kills-tty",
  "connection.close-exit-code-zero",
];

const dir = mkdtempSync(join(tmpdir(), "asc-transport-e2e-"));
const TOKEN = "e2e-token-0123456789";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

async function startListening(listen: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const ready = join(mkdtempSync(join(dir, "r-")), "ready");
  const child = spawn(process.execPath, [SERVER_JS, "--listen", listen, "--ready-file", ready, ...extra], { cwd: dir, stdio: "ignore" });
  const deadline = Date.now() + 20_000;
  while (!existsSync(ready)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server on ${listen} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url: readFileSync(ready, "utf8").trim() };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });

describe.skipIf(!built || process.platform === "win32")("a corpus sample over every transport", () => {
  const { fixtures } = loadFixtures(join(ROOT, "fixtures"));
  const sample = SAMPLE.map((id) => {
    const found = fixtures.find((f) => f.fixture.id === id);
    if (!found) throw new Error(`fixture ${id} not found`);
    return found.fixture;
  });
  let ws: { child: ChildProcess; url: string };
  let unix: { child: ChildProcess; url: string };
  beforeAll(async () => {
    ws = await startListening("ws://127.0.0.1:0", ["--ws-auth", "capability-token", "--ws-token-file", tokenFile]);
    unix = await startListening(`unix://${join(dir, "app.sock")}`);
  });
  afterAll(async () => {
    switchTo.target = undefined;
    await Promise.all([stop(ws.child), stop(unix.child)]);
    rmSync(dir, { recursive: true, force: true });
  });

  const targets: Array<[string, () => SocketTarget | undefined]> = [
    ["stdio", () => undefined],
    ["ws", () => parseSocketTarget(ws.url, { authTokenFile: tokenFile })],
    ["unix", () => parseSocketTarget(unix.url)],
  ];

  for (const [name, target] of targets) {
    it(`passes over ${name}`, async () => {
      switchTo.target = target();
      const results = [];
      for (const fixture of sample) {
        const r = await runFixture(fixture, { server: { argv: [process.execPath, SERVER_JS], env: {} }, probe: PROBE, timeoutMultiplier: 1 });
        results.push({ id: r.id, status: r.status, failures: r.failures.map((f) => `${f.step}: ${f.message}`) });
      }
      expect(results.filter((r) => r.status !== "pass")).toEqual([]);
    }, 120_000);
  }

  it("a wrong token is a harness error before any message is exchanged", async () => {
    switchTo.target = { kind: "ws", url: ws.url, token: "wrong" };
    const r = await runFixture(sample[0]!, { server: { argv: [process.execPath, SERVER_JS], env: {} }, probe: PROBE, timeoutMultiplier: 1 });
    expect(r.status).toBe("error");
    expect(r.failures[0]?.message).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:\d+\/? after 1 attempt\(s\): HTTP 401: invalid websocket bearer token/);
    expect(r.transcript.filter((e) => e.dir === "in")).toEqual([]);
  });
});
