// A lean JSONL client for benchmarks: no transcript, no validation, just request/response
// correlation and a notification callback, so the client costs as little as possible.
// The server runs in the environment `run` gives servers (runner/server-env.ts), not the
// shell's: what the shell exports must not move the figures. NODE_EXTRA_CA_CERTS, for one,
// makes every Node process parse that certificate file as it starts (a 144-certificate
// bundle: ~70 ms of CPU on a 2-core machine, docs/performance.md); `run` never passed it on.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { scrubbedEnv } from "../runner/server-env.ts";
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
/** The payload's key is looked for only this far into a line (it comes right after the handle). */
const HEAD_LIMIT = 4096;

/** The number of bytes a base64 text of `length` characters ending in `padding` "=" decodes to. */
export function base64DecodedLength(length: number, padding: number): number {
  return Math.floor((length * 3) / 4) - padding;
}

export class BenchClient {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** The current line's bytes so far (for a delta: without its payload). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** The current line is a delta whose payload was found; inPayload while it streams past. */
  private payloadSeen = false;
  private inPayload = false;
  private payloadChars = 0;
  /** The payload's last two bytes so far (padding). */
  private payloadLast: [number, number] = [0, 0];
  onNotification: NotificationHandler = () => undefined;
  readonly exited: Promise<void>;

  /** `server`: a command line (split like a shell would) or an argv. */
  constructor(server: string | readonly string[], cwd: string) {
    const [program, ...args] = typeof server === "string" ? splitCommandLine(server) : server;
    if (program === undefined) throw new Error("empty server command line");
    this.child = spawn(program, args, { cwd, env: scrubbedEnv({}), stdio: ["pipe", "pipe", "ignore"], detached: true });
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

  // Lines are split on bytes. Inside a delta's base64 text only the closing quote is looked
  // for (never the newline, and the payload is neither copied nor decoded): its length is
  // counted as it streams past, chunk by chunk.
  private onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.inPayload) {
        const quote = chunk.indexOf(QUOTE, pos);
        const end = quote < 0 ? chunk.length : quote;
        this.payloadChars += end - pos;
        if (end - pos >= 2) this.payloadLast = [chunk[end - 2]!, chunk[end - 1]!];
        else if (end > pos) this.payloadLast = [this.payloadLast[1], chunk[pos]!];
        if (quote < 0) return;
        this.inPayload = false;
        pos = quote; // the closing quote starts the rest of the line
        continue;
      }
      const nl = chunk.indexOf(NEWLINE, pos);
      const segment = chunk.subarray(pos, nl < 0 ? chunk.length : nl);
      if (!this.payloadSeen && this.partialBytes < HEAD_LIMIT) {
        // Still in the line's head: is the payload's key here (possibly split across chunks)?
        const head = this.partial.length === 0 ? segment : Buffer.concat([...this.partial, segment]);
        const key = head.indexOf(DELTA_KEY);
        if (key >= 0) {
          const keyEnd = key + DELTA_KEY.length;
          this.partial = [head.subarray(0, keyEnd)];
          this.partialBytes = keyEnd;
          this.payloadSeen = true;
          this.inPayload = true;
          this.payloadChars = 0;
          this.payloadLast = [0, 0];
          pos += keyEnd - (head.length - segment.length);
          continue;
        }
      }
      if (nl < 0) {
        this.partial.push(segment);
        this.partialBytes += segment.length;
        return;
      }
      const line = this.partial.length === 0 ? segment : Buffer.concat([...this.partial, segment]);
      const deltaBytes = this.payloadSeen ? base64DecodedLength(this.payloadChars, (this.payloadLast[1] === PAD ? 1 : 0) + (this.payloadLast[0] === PAD ? 1 : 0)) : 0;
      this.partial = [];
      this.partialBytes = 0;
      this.payloadSeen = false;
      pos = nl + 1;
      if (line.length > 0) this.onLine(line, deltaBytes);
    }
  }

  /** `line` holds a delta's text with its payload cut out ("deltaBase64":""), which parses as the same message. */
  private onLine(line: Buffer, deltaBytes: number): void {
    const text = line.toString("utf8");
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
