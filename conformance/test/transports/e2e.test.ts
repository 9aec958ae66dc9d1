// End to end: a sample of the fixture corpus through the real runner against the real
// (built) reference server over every transport, with no mocks:
//
// - ad hoc ("connect"): runFixture with `server.connect` (what `run --server ws://…` /
//   `unix://…` does) against one server the test started, over stdio, a WebSocket
//   (capability-token auth) and a Unix socket;
// - launch mode: runSuite with the fixtures/implementations/reference-ws.jsonc and
//   reference-unix.jsonc descriptors, where the kit starts a listening server per fixture.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fixture } from "../../src/fixture/format.ts";
import { loadFixtures } from "../../src/fixture/load.ts";
import { loadImplementation } from "../../src/descriptor/implementation.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { runFixture, type RunOptions } from "../../src/runner/run-fixture.ts";
import { runSuite, selectFixtures } from "../../src/runner/suite.ts";
import { LaunchedServer, openServer, parseSocketTarget, type SocketTarget } from "../../src/transports/index.ts";

// Servers here are Node programs; under Deno, process.execPath is the Deno binary.
const NODE = process.execPath.includes("deno") ? "node" : process.execPath;

const ROOT = packageRoot();
const SERVER_JS = join(ROOT, "dist", "reference-server", "src", "main.cjs");
const PROBE = [NODE, join(ROOT, "dist", "conformance", "src", "probe", "probe.js")];
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

/** Launch-mode sample: also fixtures that need the per-fixture cwd and environment. */
const LAUNCH_SAMPLE = [
  "exec.cwd.default-server-cwd",
  "exec.env.inherits-server-env",
  "connection.close-kills-exec",
  "connection.close-exit-code-zero",
  "exec.stream.large",
  "handshake.invalid-json-ignored",
];

const dir = mkdtempSync(join(tmpdir(), "asc-transport-e2e-"));
const TOKEN = "e2e-token-0123456789";
const tokenFile = join(dir, "token");
writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

async function startListening(listen: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const ready = join(mkdtempSync(join(dir, "r-")), "ready");
  const child = spawn(NODE, [SERVER_JS, "--listen", listen, "--ready-file", ready, ...extra], { cwd: dir, stdio: "ignore" });
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
    if (child.pid) process.kill(child.pid, "SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });

const options = (connect?: SocketTarget): RunOptions => ({
  server: { argv: [NODE, SERVER_JS], env: {}, ...(connect !== undefined ? { connect } : {}) },
  probe: PROBE,
  timeoutMultiplier: 1,
});

const asc = () => readdirSync(tmpdir()).filter((n) => /^asc-[A-Za-z0-9]{6}$/.test(n));

describe.skipIf(!built || process.platform === "win32")("transports end to end", () => {
  const { fixtures } = loadFixtures(join(ROOT, "fixtures"));
  const byId = (id: string) => {
    const found = fixtures.find((f) => f.fixture.id === id);
    if (!found) throw new Error(`fixture ${id} not found`);
    return found;
  };
  const sample = SAMPLE.map((id) => byId(id).fixture);

  describe("ad hoc: connecting to a running server", () => {
    let ws: { child: ChildProcess; url: string };
    let unix: { child: ChildProcess; url: string };
    beforeAll(async () => {
      ws = await startListening("ws://127.0.0.1:0", ["--ws-auth", "capability-token", "--ws-token-file", tokenFile]);
      unix = await startListening(`unix://${join(dir, "app.sock")}`);
    });
    afterAll(async () => {
      await Promise.all([stop(ws.child), stop(unix.child)]);
    });

    const targets: Array<[string, () => SocketTarget | undefined]> = [
      ["stdio", () => undefined],
      ["ws", () => parseSocketTarget(ws.url, { authTokenFile: tokenFile })],
      ["unix", () => parseSocketTarget(unix.url)],
    ];

    for (const [name, target] of targets) {
      it(`passes over ${name}`, async () => {
        const results = [];
        for (const fixture of sample) {
          const r = await runFixture(fixture, options(target()));
          results.push({ id: r.id, status: r.status, failures: r.failures.map((f) => `${f.step}: ${f.message}`) });
          if (name !== "stdio") expect(r.transcript.some((e) => e.dir === "note" && e.text.startsWith("connected to "))).toBe(true);
        }
        expect(results.filter((r) => r.status !== "pass")).toEqual([]);
      }, 120_000);
    }

    it("a wrong token is a harness error before any message is exchanged", async () => {
      const r = await runFixture(sample[0]!, {
        ...options({ kind: "ws", url: ws.url, token: "wrong" }),
      });
      expect(r.status).toBe("error");
      expect(r.failures[0]?.message).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:\d+\/? after 1 attempt\(s\): HTTP 401: invalid websocket bearer token/);
      expect(r.transcript.filter((e) => e.dir === "in")).toEqual([]);
    });
  });

  describe("launch mode: a listening server per fixture", () => {
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    for (const kind of ["ws", "unix"] as const) {
      it(`runs a corpus sample through reference-${kind}.jsonc`, async () => {
        const impl = loadImplementation(join(ROOT, "fixtures", "implementations", `reference-${kind}.jsonc`));
        expect(impl.launch).toEqual(kind === "ws" ? { kind: "ws", authToken: true } : { kind: "unix" });
        const before = new Set(asc());
        const selection = selectFixtures(fixtures, { filter: LAUNCH_SAMPLE, tags: [], features: impl.features });
        expect(selection.selected.map((l) => l.fixture.id).sort()).toEqual([...LAUNCH_SAMPLE].sort());
        const report = await runSuite(impl, selection, { jobs: 3, repeat: 1, timeoutMultiplier: 1, strict: false, filter: LAUNCH_SAMPLE, tags: [], probe: PROBE });
        const bad = report.fixtures.filter((f) => f.outcome !== "pass").map((f) => ({ id: f.id, outcome: f.outcome, detail: f.detail }));
        expect(bad).toEqual([]);
        expect(report.ok).toBe(true);
        for (const f of report.fixtures) {
          const t = f.runs[0]!.transcript;
          const listening = t.find((e) => e.dir === "stderr" && e.text.includes("listening on "));
          expect(listening, `${f.id}: the server's stderr is in the transcript`).toBeDefined();
          expect(t.some((e) => e.dir === "note" && e.text.startsWith(`connected to ${kind === "ws" ? "ws://127.0.0.1:" : "unix:///"}`))).toBe(true);
          expect(t.some((e) => e.dir === "note" && /server exited \(code 0/.test(e.text)), `${f.id}: the server process was stopped`).toBe(true);
        }
        // Scratch directories (ready file, token, socket) are removed.
        expect(asc().filter((n) => !before.has(n))).toEqual([]);
      }, 120_000);
    }

    it("the leftover check sees the launched server's children", async () => {
      // A process still running while the connection is open is a leftover: proves the
      // server (and so its probes) got APP_SERVER_CONFORMANCE_PIDS.
      const fixture = Fixture.parse({
        id: "t.leftover-over-socket",
        title: "t",
        spec: "s",
        steps: [
          {
            step: "send",
            id: 1,
            method: "command/exec",
            params: { command: ["${probe}", "out", "ready\\n", "sleep", "30000"], processId: "p", streamStdoutStderr: true, sandboxPolicy: { type: "dangerFullAccess" } },
          },
          { step: "expectStream", stream: "stdout", text: "ready\n", processId: "p" },
          { step: "expectNoLeftovers", withinMs: 200 },
        ],
      });
      for (const kind of ["ws", "unix"] as const) {
        const r = await runFixture(fixture, { ...options(), server: { ...options().server, launch: { kind } } });
        expect(r.status).toBe("fail");
        expect(r.failures[0]?.message).toMatch(/leftover child processes: \d+/);
      }
    }, 60_000);

    it("a server that exits before listening is a harness error", async () => {
      const r = await runFixture(byId("handshake.already-initialized").fixture, {
        ...options(),
        server: { argv: [NODE, "-e", "process.exit(3)", "--"], env: {}, launch: { kind: "ws", authToken: true } },
      });
      expect(r.status).toBe("error");
      expect(r.failures[0]?.message).toMatch(/the server exited \(code 3, signal null\) before listening/);
    });

    it("a server that never listens times out as a harness error and is stopped", async () => {
      const conn = openServer({
        argv: [NODE, "-e", "setInterval(() => {}, 1000)", "--"],
        cwd: dir,
        env: { PATH: process.env.PATH ?? "" },
        onLine: () => undefined,
        onExit: () => undefined,
        launch: { kind: "unix", startTimeoutMs: 300 },
      });
      expect(conn).toBeInstanceOf(LaunchedServer);
      const info = await conn.waitExit(5_000);
      expect(info).toEqual({ code: null, signal: null });
      expect(conn.spawnError?.message).toMatch(/did not start listening within 300 ms/);
      await conn.stop(500);
      expect((conn as LaunchedServer).process.exit).toBeDefined();
    });
  });
});
