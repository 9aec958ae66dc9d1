// Helpers for the transport tests: start the REAL reference server with --listen (and a
// ready file, so nothing races the port), and a small WebSocket client (`ws` package).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import WebSocket from "ws";
import { ROOT, serverCommand, signal, type Message } from "../helpers/server.ts";

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

export class ListeningServer {
  readonly child: ChildProcessWithoutNullStreams;
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  url = "";

  constructor(readonly args: string[], env: NodeJS.ProcessEnv = {}) {
    const { cmd, args: base } = serverCommand();
    this.child = spawn(cmd, [...base, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.stdout.resume();
    this.exited = new Promise((res) => this.child.once("exit", (code, signal) => res({ code, signal })));
  }

  /** Starts `--listen <listen>` with a ready file and waits until it accepts connections. */
  static async start(listen: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ListeningServer> {
    const readyFile = join(tempDir("ref-ready-"), "ready");
    const server = new ListeningServer(["--listen", listen, "--ready-file", readyFile, ...extra], env);
    const deadline = Date.now() + 20_000;
    let exited = false;
    void server.exited.then(() => (exited = true));
    while (!existsSync(readyFile)) {
      if (exited || Date.now() > deadline) {
        server.kill();
        throw new Error(`server did not become ready: ${server.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    server.url = readFileSync(readyFile, "utf8").trim();
    rmSync(dirname(readyFile), { recursive: true, force: true });
    return server;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) signal(this.child, "SIGTERM");
    const timer = setTimeout(() => this.kill(), 5_000);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) signal(this.child, "SIGKILL");
  }
}

/** Runs the server to completion (for start-up errors). */
export function runToExit(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> {
  const { cmd, args: base } = serverCommand();
  const child = spawn(cmd, [...base, ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (c: string) => (stderr += c));
  child.stdout.resume();
  const timer = setTimeout(() => signal(child, "SIGKILL"), timeoutMs);
  return new Promise((res) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      res({ code, stderr });
    }),
  );
}

export interface Refusal {
  status: number;
  body: string;
}

/** A JSON-RPC client over one WebSocket (TCP or ws+unix). */
export class WsClient {
  readonly messages: Message[] = [];
  private waiters: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString("utf8")) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
    });
    this.closed = new Promise((res) => ws.once("close", (code, reason) => res({ code, reason: reason.toString() })));
  }

  /** Opens a connection; rejects with a Refusal when the upgrade is refused. */
  static connect(url: string, options: { token?: string; origin?: string; headers?: Record<string, string> } = {}): Promise<WsClient> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let target = url;
    if (url.startsWith("unix://")) {
      target = `ws+unix:${url.slice("unix://".length)}:/rpc`;
      headers.host = "localhost";
    }
    const ws = new WebSocket(target, { headers, perMessageDeflate: false, ...(options.origin ? { origin: options.origin } : {}) });
    return new Promise((resolve, reject) => {
      ws.once("unexpected-response", (req, res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          req.destroy();
          reject({ status: res.statusCode ?? 0, body } satisfies Refusal);
        });
      });
      ws.once("open", () => resolve(new WsClient(ws)));
      ws.once("error", (e) => reject(e));
    });
  }

  waitFor(test: (m: Message) => boolean): Promise<Message> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  request(method: string, params?: unknown, id: string | number = this.nextId++): Promise<Message> {
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  async initialize(): Promise<Message> {
    const reply = await this.request("initialize", { clientInfo: { name: "transport-test", version: "1" }, capabilities: { experimentalApi: true } });
    if (reply.error) throw new Error(`initialize failed: ${reply.error.message}`);
    return reply;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000);
    return this.closed;
  }
}

/** Expects `promise` to reject with an HTTP refusal. */
export async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (error) {
    if (typeof error === "object" && error !== null && "status" in error) return error as Refusal;
    throw error;
  }
  throw new Error("expected the upgrade to be refused");
}

/** GET over TCP or a Unix socket; resolves with status and body. */
export async function httpGet(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    const u = url.startsWith("unix://") ? undefined : new URL(url);
    const req = http.request(
      u
        ? { host: u.hostname, port: u.port, path, headers }
        : { socketPath: url.slice("unix://".length), path, headers: { host: "localhost", ...headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
