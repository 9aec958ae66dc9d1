// A lean JSONL client for benchmarks: no transcript, no validation, just request/response
// correlation and a notification callback, so the client costs as little as possible.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { splitCommandLine } from "../server-process.ts";

export interface RpcError {
  code: number;
  message: string;
}

export type NotificationHandler = (method: string, params: Record<string, unknown>) => void;

export class BenchClient {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private buffered = "";
  onNotification: NotificationHandler = () => undefined;
  readonly exited: Promise<void>;

  constructor(commandLine: string, cwd: string) {
    const [program, ...args] = splitCommandLine(commandLine);
    if (program === undefined) throw new Error("empty server command line");
    this.child = spawn(program, args, { cwd, stdio: ["pipe", "pipe", "ignore"], detached: true });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.child.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) => this.child.on("close", () => resolve()));
    this.exited.then(() => {
      for (const { reject } of this.pending.values()) reject(new Error("server exited"));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    let start = 0;
    let nl: number;
    while ((nl = this.buffered.indexOf("\n", start)) >= 0) {
      const line = this.buffered.slice(start, nl);
      start = nl + 1;
      if (line.length > 0) this.onLine(line);
    }
    this.buffered = this.buffered.slice(start);
  }

  private onLine(line: string): void {
    let message: { id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown; error?: RpcError };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof message.method === "string") {
      if (message.id === undefined) this.onNotification(message.method, message.params ?? {});
      return;
    }
    if (typeof message.id !== "number") return;
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${message.error.code} ${message.error.message}`));
    else waiter.resolve(message.result);
  }

  request<T = unknown>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.child.stdin.write(`${JSON.stringify({ id, method, params })}\n`);
    return done;
  }

  async initialize(): Promise<void> {
    await this.request("initialize", {
      clientInfo: { name: "app-server-conformance-bench", version: "1" },
      capabilities: { experimentalApi: true },
    });
    this.child.stdin.write(`${JSON.stringify({ method: "initialized" })}\n`);
  }

  /** Pauses reading the server's stdout (a slow client), or resumes it. */
  setReading(on: boolean): void {
    if (on) this.child.stdout.resume();
    else this.child.stdout.pause();
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => {
      try {
        process.kill(-this.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
