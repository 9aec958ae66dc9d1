// The reliability scenarios. Each starts its own server, drives it the way a hostile or
// unlucky client would, and reports figures (a number and whether it is acceptable).
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { treePids } from "../bench/proc-tree.ts";
import { StdioTarget, killAll, peakDuring, pidsWithArgv, serverRss, sleepMs } from "./target.ts";

const MiB = 1024 * 1024;
const DANGER = { type: "dangerFullAccess" };

export interface Figure {
  scenario: string;
  metric: string;
  value: number | string;
  /** Whether the figure meets the bar (undefined: informational). */
  ok?: boolean | undefined;
}

export interface ReliabilityOptions {
  cwd: string;
  fuzzCount: number;
  sigkillChildren: number;
  disconnects: number;
  largeOutputMib: number;
  frameConnections: number;
  frameMib: number;
  idleConnections: number;
  log: (line: string) => void;
}

const mib = (bytes: number) => Math.round(bytes / MiB);
const request = (id: number, method: string, params: unknown) => JSON.stringify({ id, method, params });

/** Malformed stdio input: the server must stay up, answer afterwards and keep its memory. */
export async function fuzz(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const t = new StdioTarget(server, o.cwd);
  await t.initialize();
  const before = serverRss(t.serverPids());
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
  const shapes: Array<(i: number) => string> = [
    (i) => request(1000 + i, "command/exec", { command: "not-an-array" }),
    (i) => `{"id":${1000 + i},"method":"command/exec","params":{"command":["true"],"env":{"a":${nested(5000)}}}}`,
    (i) => `{"id":${1000 + i},"method":"${"x".repeat(10_000)}"}`,
    (i) => `{"id":${1000 + i},"method":"process/spawn","params":{"command":["true"],"processHandle":${"9".repeat(400)}}}`,
    () => `{"id":1,"method":`,
    () => "\u0000\u0001 not json",
    (i) => `{"id":${1000 + i},"id":${2000 + i},"method":"nope"}`,
    (i) => request(1000 + i, "process/writeStdin", { processHandle: "none", deltaBase64: "!!!" }),
    (i) => `[${i}]`,
    () => "{}".repeat(1000),
  ];
  let sent = 0;
  const peak = await peakDuring(
    () => serverRss(t.serverPids()),
    async () => {
      for (let i = 0; i < o.fuzzCount && t.exit === undefined; i++) {
        t.send(shapes[i % shapes.length]!(i));
        sent++;
        if (i % 200 === 199) await sleepMs(10);
      }
      t.send(request(99, "command/exec", { command: ["echo", "alive"], sandboxPolicy: DANGER }));
      return t.reply(99, 60_000);
    },
  );
  const alive = peak.value?.message?.result?.stdout === "alive\n";
  const after = serverRss(t.serverPids());
  await t.stop();
  return [
    { scenario: "fuzz", metric: `server exits during ${sent} malformed inputs`, value: t.exit !== undefined && !alive ? 1 : 0, ok: alive },
    { scenario: "fuzz", metric: "answers a valid request afterwards", value: alive ? "yes" : "no", ok: alive },
    { scenario: "fuzz", metric: "RSS before / peak / after (MiB)", value: `${mib(before)} / ${mib(peak.peak)} / ${mib(after)}`, ok: peak.peak < before + 512 * MiB },
  ];
}

/** Abrupt disconnects (stdin closed with children running) leave no process behind. */
export async function disconnects(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const tag = String(200_000 + Math.floor(Math.random() * 700_000));
  const argvs: string[][] = [];
  for (let i = 0; i < o.disconnects; i++) {
    const t = new StdioTarget(server, o.cwd);
    await t.initialize();
    const a = ["sleep", `${tag}${i}0`];
    const b = ["sleep", `${tag}${i}1`];
    argvs.push(a, b);
    t.send(request(1, "process/spawn", { command: a, processHandle: "a", cwd: o.cwd }));
    t.send(request(2, "command/exec", { command: b, sandboxPolicy: DANGER, processId: "b", streamStdoutStderr: true }));
    await t.reply(1);
    await waitUntil(() => pidsWithArgv(b).length > 0, 10_000);
    await t.stop();
  }
  await waitUntil(() => argvs.every((a) => pidsWithArgv(a).length === 0), 5_000);
  const left = argvs.flatMap(pidsWithArgv);
  killAll(left);
  return [{ scenario: "disconnects", metric: `children left after ${o.disconnects} abrupt stdio closes (of ${argvs.length})`, value: left.length, ok: left.length === 0 }];
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleepMs(50);
  }
  return true;
}

/** SIGKILL of the server: children on pipes, PTYs, sandboxed, with groups, must die too. */
export async function sigkill(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const t = new StdioTarget(server, o.cwd);
  await t.initialize();
  const tag = String(200_000 + Math.floor(Math.random() * 700_000));
  const argvs: string[][] = [];
  for (let i = 0; i < o.sigkillChildren; i++) {
    const argv = ["sleep", `${tag}${i}`];
    argvs.push(argv);
    const mode = i % 5;
    if (mode === 0) t.send(request(10 + i, "process/spawn", { command: argv, processHandle: `p${i}`, cwd: o.cwd }));
    if (mode === 1) t.send(request(10 + i, "process/spawn", { command: argv, processHandle: `p${i}`, cwd: o.cwd, tty: true }));
    if (mode === 2) t.send(request(10 + i, "command/exec", { command: argv, sandboxPolicy: DANGER, processId: `e${i}`, streamStdoutStderr: true }));
    if (mode === 3) t.send(request(10 + i, "command/exec", { command: ["sh", "-c", `${argv.join(" ")} & wait`], sandboxPolicy: DANGER, processId: `e${i}`, streamStdoutStderr: true }));
    if (mode === 4) t.send(request(10 + i, "command/exec", { command: argv, sandboxPolicy: { type: "readOnly" }, processId: `e${i}`, streamStdoutStderr: true }));
  }
  const started = await waitUntil(() => argvs.every((a) => pidsWithArgv(a).length > 0), 30_000);
  const running = argvs.filter((a) => pidsWithArgv(a).length > 0).length;
  killAll(t.serverPids());
  await t.exited;
  await waitUntil(() => argvs.every((a) => pidsWithArgv(a).length === 0), 5_000);
  const left = argvs.flatMap(pidsWithArgv);
  killAll(left);
  return [
    { scenario: "sigkill", metric: "children running before the SIGKILL", value: `${running} of ${argvs.length}`, ok: started ? undefined : false },
    { scenario: "sigkill", metric: "children left 5 s after SIGKILL of the server", value: left.length, ok: left.length === 0 },
  ];
}

/** Buffered output larger than one JS string: delivered in one reply, server alive. */
export async function largeOutput(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const t = new StdioTarget(server, o.cwd);
  await t.initialize();
  const bytes = o.largeOutputMib * MiB;
  const run = await peakDuring(
    () => serverRss(t.serverPids()),
    async () => {
      const started = Date.now();
      t.send(request(1, "command/exec", { command: ["sh", "-c", `yes aaaa | head -c ${bytes}`], sandboxPolicy: DANGER, disableOutputCap: true, disableTimeout: true }));
      const reply = await t.reply(1, 300_000);
      return { reply, ms: Date.now() - started };
    },
  );
  const expected = (bytes / 5) * 6;
  const delivered = run.value.reply !== undefined && run.value.reply.length > expected && !run.value.reply.head.includes('"error"');
  t.send(request(2, "command/exec", { command: ["echo", "alive"], sandboxPolicy: DANGER }));
  const alive = (await t.reply(2, 30_000))?.message?.result?.stdout === "alive\n";
  await t.stop();
  return [
    { scenario: "large output", metric: `${o.largeOutputMib} MiB buffered stdout delivered in one reply`, value: delivered ? `yes (${mib(run.value.reply!.length)} MiB line, ${(run.value.ms / 1000).toFixed(1)} s)` : "no", ok: delivered },
    { scenario: "large output", metric: "server crashes", value: alive ? 0 : 1, ok: alive },
    { scenario: "large output", metric: "server peak RSS (MiB)", value: mib(run.peak) },
  ];
}

/** A descriptor the server inherited must not reach its children. */
export async function descriptors(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "reliability-fd-"));
  const file = join(dir, "host-file");
  const fd = openSync(file, "w");
  const t = new StdioTarget(server, o.cwd, [...Array<"ignore">(200 - 3).fill("ignore"), fd]);
  closeSync(fd);
  await t.initialize();
  const probe = ["bash", "-c", "echo leaked >&200"];
  const cases: Array<Record<string, unknown>> = [
    { command: probe, sandboxPolicy: { type: "readOnly" } },
    { command: probe, sandboxPolicy: DANGER },
    { command: probe, sandboxPolicy: DANGER, tty: true, processId: "t" },
  ];
  for (const [i, params] of cases.entries()) {
    t.send(request(i + 1, "command/exec", params));
    await t.reply(i + 1);
  }
  await t.stop();
  const leaks = readFileSync(file, "utf8").split("\n").filter(Boolean).length;
  rmSync(dir, { recursive: true, force: true });
  return [{ scenario: "descriptors", metric: `children that wrote to inherited fd 200 (of ${cases.length}: readOnly, pipes, tty)`, value: leaks, ok: leaks === 0 }];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startListening(server: string, o: ReliabilityOptions): Promise<{ t: StdioTarget; url: string } | undefined> {
  const port = await freePort();
  const t = new StdioTarget(`${server} --listen ws://127.0.0.1:${port}`, o.cwd);
  let up = false;
  for (const deadline = Date.now() + 20_000; !up && t.exit === undefined && Date.now() < deadline; ) {
    up = await canConnect(port);
    if (!up) await sleepMs(100);
  }
  if (!up) {
    await t.stop();
    return undefined;
  }
  return { t, url: `ws://127.0.0.1:${port}` };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function open(url: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on("error", () => resolve(undefined));
    ws.once("unexpected-response", () => resolve(undefined));
    ws.once("open", () => resolve(ws));
  });
}

/** A client that initializes and runs `true`; whether it was served within 15 s. */
async function legitimate(url: string): Promise<boolean> {
  const ws = await open(url);
  if (ws === undefined) return false;
  const answered = new Promise<boolean>((resolve) => {
    ws.on("message", (data: Buffer) => {
      const m = JSON.parse(data.toString());
      if (m.id === 2) resolve(m.result?.exitCode === 0);
    });
    ws.on("close", () => resolve(false));
    setTimeout(() => resolve(false), 15_000);
  });
  ws.send(request(1, "initialize", { clientInfo: { name: "legit", version: "1" }, capabilities: { experimentalApi: true } }));
  ws.send(request(2, "command/exec", { command: ["true"], sandboxPolicy: DANGER }));
  const ok = await answered;
  ws.terminate();
  return ok;
}

/** Large frames from several connections at once: server memory stays bounded. */
export async function frameBomb(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const target = await startListening(server, o);
  if (target === undefined) return [{ scenario: "frame bomb", metric: "server listens on ws://", value: "no (skipped)" }];
  const { t, url } = target;
  const before = serverRss(t.serverPids());
  const payload = `{"id":1,"method":"command/exec","params":{"command":["true"],"env":{"A":"${"a".repeat(o.frameMib * MiB)}"}}}`;
  const run = await peakDuring(
    () => serverRss(t.serverPids()),
    async () => {
      const sockets = (await Promise.all(Array.from({ length: o.frameConnections }, () => open(url)))).filter((s): s is WebSocket => s !== undefined);
      // Each frame is answered (not initialized) or refused (too large): wait for either.
      const fates = await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<"answered" | "closed" | "unanswered">((resolve) => {
              ws.once("message", () => resolve("answered"));
              ws.once("close", () => resolve("closed"));
              setTimeout(() => resolve("unanswered"), 60_000);
              ws.send(payload);
            }),
        ),
      );
      for (const ws of sockets) ws.terminate();
      const count = (fate: string) => fates.filter((f) => f === fate).length;
      return { connections: sockets.length, answered: count("answered"), closed: count("closed"), unanswered: count("unanswered") };
    },
  );
  const served = await legitimate(url);
  const alive = t.exit === undefined;
  await t.stop();
  killAll(treePids(t.pid));
  return [
    { scenario: "frame bomb", metric: `server RSS before / peak, ${run.value.connections} connections x ${o.frameMib} MiB frames (MiB)`, value: `${mib(before)} / ${mib(run.peak)}`, ok: run.peak < before + 1024 * MiB },
    // A frame is answered or refused (closed); one left hanging is a stalled queue.
    { scenario: "frame bomb", metric: "frames answered / refused / left unanswered for 60 s", value: `${run.value.answered} / ${run.value.closed} / ${run.value.unanswered}`, ok: run.value.unanswered === 0 },
    { scenario: "frame bomb", metric: "server alive and serving afterwards", value: alive && served ? "yes" : "no", ok: alive && served },
  ];
}

/** Idle connections that never initialize must not lock out a legitimate client. */
export async function idleFlood(server: string, o: ReliabilityOptions): Promise<Figure[]> {
  const target = await startListening(server, o);
  if (target === undefined) return [{ scenario: "idle flood", metric: "server listens on ws://", value: "no (skipped)" }];
  const { t, url } = target;
  const idle: WebSocket[] = [];
  let refused = 0;
  for (let i = 0; i < o.idleConnections; i++) {
    const ws = await open(url);
    if (ws === undefined) refused++;
    else idle.push(ws);
  }
  const served = await legitimate(url);
  for (const ws of idle) ws.terminate();
  await t.stop();
  killAll(treePids(t.pid));
  return [
    { scenario: "idle flood", metric: `idle connections accepted (of ${o.idleConnections})`, value: idle.length },
    { scenario: "idle flood", metric: "legitimate client served while they are open", value: served ? "yes" : "no", ok: served },
  ];
}

export const SCENARIOS = { fuzz, disconnects, sigkill, "large-output": largeOutput, descriptors, "frame-bomb": frameBomb, "idle-flood": idleFlood } as const;
export type ScenarioName = keyof typeof SCENARIOS;
