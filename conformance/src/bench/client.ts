// A lean JSONL client for benchmarks: no transcript, no validation, just request/response
// correlation and a notification callback, so the client costs as little as possible.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { splitCommandLine } from "../transports/server-process.ts";

export interface RpcError {
  code: number;
  message: string;
}

/**
 * `deltaBytes` is the decoded size of an output delta's `deltaBase64`, which the client
 * measures without decoding (the payload itself is not passed on: `params.deltaBase64` is
 * ""), so the client stays faster than any server it measures.
 */
export type NotificationHandler = (method: string, params: Record<string, unknown>, deltaBytes: number) => void;

const NEWLINE = 0x0a;
const DELTA_KEY = Buffer.from('"deltaBase64":"');
const QUOTE = 0x22;
const PAD = 0x3d; // "="

/** The number of bytes a base64 text of `length` characters ending in `padding` "=" decodes to. */
export function base64DecodedLength(length: number, padding: number): number {
  return Math.floor((length * 3) / 4) - padding;
}

export class BenchClient {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private partial: Buffer[] = [];
  onNotification: NotificationHandler = () => undefined;
  readonly exited: Promise<void>;

  /** `server`: a command line (split like a shell would) or an argv. */
  constructor(server: string | readonly string[], cwd: string) {
    const [program, ...args] = typeof server === "string" ? splitCommandLine(server) : server;
    if (program === undefined) throw new Error("empty server command line");
    this.child = spawn(program, args, { cwd, stdio: ["pipe", "pipe", "ignore"], detached: true });
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
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

  // Lines are split on bytes; a base64 payload is measured, never decoded nor made a string.
  private onData(chunk: Buffer): void {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf(NEWLINE, start)) >= 0) {
      let line = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        line = Buffer.concat([...this.partial, line]);
        this.partial = [];
      }
      start = nl + 1;
      if (line.length > 0) this.onLine(line);
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  private onLine(line: Buffer): void {
    let text: string;
    let deltaBytes = 0;
    const key = line.indexOf(DELTA_KEY);
    if (key >= 0) {
      const from = key + DELTA_KEY.length;
      const to = line.indexOf(QUOTE, from);
      if (to < 0) return;
      const padding = (line[to - 1] === PAD ? 1 : 0) + (line[to - 2] === PAD ? 1 : 0);
      deltaBytes = base64DecodedLength(to - from, padding);
      // The payload becomes "": the rest of the line parses as the same message.
      text = line.subarray(0, from).toString("utf8") + line.subarray(to).toString("utf8");
    } else text = line.toString("utf8");
    let message: { id?: unknown; method?: string; params?: Record<string, unknown>; result?: unknown; error?: RpcError };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message.method === "string") {
      if (message.id === undefined) this.onNotification(message.method, message.params ?? {}, deltaBytes);
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
