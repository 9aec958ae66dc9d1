// Test client: starts the REAL reference server (node dist/..., or Deno on the sources
// when the tests themselves run under Deno) and talks JSONL to it over stdio.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Message {
  id?: string | number;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string; data?: unknown };
  emittedAtMs?: number;
  [key: string]: unknown;
}

export const DANGER = { type: "dangerFullAccess" } as const;

/** Deno runs the sources when the tests run under Deno, or with REF_SERVER_RUNTIME=deno. */
export function serverCommand(): { cmd: string; args: string[] } {
  if ((globalThis as { Deno?: unknown }).Deno !== undefined || process.env.REF_SERVER_RUNTIME === "deno") {
    // Under Deno, the running Deno binary: node_modules/.bin/deno may be npm's Node wrapper
    // script, which would take the signals meant for the server.
    const deno = (globalThis as { Deno?: { execPath(): string } }).Deno?.execPath() ?? resolve(ROOT, "node_modules/.bin/deno");
    return { cmd: deno, args: ["run", "-A", resolve(ROOT, "reference-server/src/main.ts")] };
  }
  return { cmd: process.execPath, args: [resolve(ROOT, "dist/reference-server/src/main.cjs")] };
}

export interface StartOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export class ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  readonly rawLines: string[] = [];
  stderr = "";
  private waiters: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  private nextId = 1;
  private partial = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(options: StartOptions = {}) {
    const { cmd, args } = serverCommand();
    this.child = spawn(cmd, [...args, ...(options.args ?? [])], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.exited = new Promise((res) => this.child.once("exit", (code, signal) => res({ code, signal })));
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.stdin.on("error", () => undefined);
  }

  private onData(chunk: string): void {
    this.partial += chunk;
    let nl = this.partial.indexOf("\n");
    while (nl !== -1) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      this.rawLines.push(line);
      const message = JSON.parse(line) as Message;
      this.messages.push(message);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(message)) return true;
        w.resolve(message);
        return false;
      });
      nl = this.partial.indexOf("\n");
    }
  }

  /** Resolves with the first message (already received or future) matching `test`. */
  waitFor(test: (m: Message) => boolean): Promise<Message> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  sendRaw(line: string): void {
    this.child.stdin.write(line + "\n");
  }

  send(message: Record<string, unknown>): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** Sends a request with a fresh integer id (or the given one) and waits for its answer. */
  request(method: string, params?: unknown, id: string | number = this.nextId++): Promise<Message> {
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.response(id);
  }

  /** Sends without waiting; returns the response promise. */
  response(id: string | number): Promise<Message> {
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  start(method: string, params?: unknown): { id: number; reply: Promise<Message> } {
    const id = this.nextId++;
    return { id, reply: this.request(method, params, id) };
  }

  async initialize(capabilities: Record<string, unknown> | null = { experimentalApi: true }): Promise<Message> {
    const reply = await this.request("initialize", {
      clientInfo: { name: "ref-test", version: "1.0" },
      ...(capabilities === null ? {} : { capabilities }),
    });
    if (reply.error) throw new Error(`initialize failed: ${reply.error.message}`);
    return reply;
  }

  notifications(method: string, processId?: string): Message[] {
    return this.messages.filter((m) => m.method === method && (processId === undefined || m.params?.processId === processId));
  }

  /** Concatenated bytes of a process's streamed deltas for one stream. */
  streamed(processId: string, stream: "stdout" | "stderr"): Buffer {
    return Buffer.concat(
      this.notifications("command/exec/outputDelta", processId)
        .filter((m) => m.params.stream === stream)
        .map((m) => Buffer.from(m.params.deltaBase64 as string, "base64")),
    );
  }

  async close(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) signal(this.child, "SIGKILL");
  }
}

/** Runs `body` against a fresh initialized server and always tears it down. */
export async function withServer<T>(
  body: (server: ServerProcess) => Promise<T>,
  options: StartOptions & { capabilities?: Record<string, unknown> | null; init?: boolean } = {},
): Promise<T> {
  const server = new ServerProcess(options);
  try {
    if (options.init !== false) await server.initialize(options.capabilities === undefined ? { experimentalApi: true } : options.capabilities);
    return await body(server);
  } finally {
    server.child.stdin.end();
    const timer = setTimeout(() => server.kill(), 5_000);
    await server.exited;
    clearTimeout(timer);
  }
}

/** command/exec params with the no-sandbox policy this server can run. */
export function exec(command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { command, sandboxPolicy: DANGER, ...extra };
}

export const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

/** Polls `check` until it returns true (for observing other processes / files). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Sends a signal by pid. Deno's `ChildProcess.kill()` reports the child as killed by that
 * signal even when it handled it and exited 0; `process.kill` leaves the real status.
 */
export function signal(child: { pid?: number | undefined }, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(child.pid, sig);
  } catch {
    // Already gone.
  }
}
