// A byte-level stdio client for replies too large for a JS string: each line is seen as
// its length, its head and its tail; lines under `keepBelow` bytes are parsed as JSON.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { serverCommand, ROOT } from "./server.ts";

export interface RawLine {
  length: number;
  head: Buffer;
  tail: Buffer;
  /** The parsed message when the line is small enough. */
  message?: any;
}

const EDGE = 4096;

export class RawServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: RawLine[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private length = 0;
  private head: Buffer[] = [];
  private headLength = 0;
  private tail = Buffer.alloc(0);
  private small: Buffer[] | undefined = [];
  private waiters: Array<{ test: (l: RawLine) => boolean; resolve: (l: RawLine) => void }> = [];

  constructor(args: string[] = [], private readonly keepBelow = 1 << 20, options: { stdio?: Array<"pipe" | number> } = {}) {
    const { cmd, args: base } = serverCommand();
    this.child = spawn(cmd, [...base, ...args], { cwd: ROOT, stdio: (options.stdio ?? ["pipe", "pipe", "pipe"]) as ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((res) => this.child.once("exit", (code, signal) => res({ code, signal })));
    this.child.stdout.on("data", (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (c: string) => {
      if (this.stderr.length < 1 << 20) this.stderr += c;
    });
    this.child.stdin.on("error", () => undefined);
  }

  private onData(chunk: Buffer): void {
    let rest = chunk;
    for (let nl = rest.indexOf(0x0a); nl !== -1; nl = rest.indexOf(0x0a)) {
      this.take(rest.subarray(0, nl));
      this.endLine();
      rest = rest.subarray(nl + 1);
    }
    if (rest.length > 0) this.take(rest);
  }

  private take(part: Buffer): void {
    this.length += part.length;
    if (this.headLength < EDGE) {
      const piece = Buffer.from(part.subarray(0, EDGE - this.headLength));
      this.head.push(piece);
      this.headLength += piece.length;
    }
    this.tail = Buffer.concat([this.tail, part.subarray(Math.max(0, part.length - EDGE))]);
    if (this.tail.length > EDGE) this.tail = Buffer.from(this.tail.subarray(this.tail.length - EDGE));
    if (this.small !== undefined) {
      if (this.length < this.keepBelow) this.small.push(Buffer.from(part));
      else this.small = undefined;
    }
  }

  private endLine(): void {
    const line: RawLine = { length: this.length, head: Buffer.concat(this.head), tail: this.tail };
    if (this.small !== undefined) {
      try {
        line.message = JSON.parse(Buffer.concat(this.small).toString("utf8"));
      } catch {
        // not JSON: keep head and tail only
      }
    }
    this.length = 0;
    this.head = [];
    this.headLength = 0;
    this.tail = Buffer.alloc(0);
    this.small = [];
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  waitFor(test: (l: RawLine) => boolean): Promise<RawLine> {
    const seen = this.lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve });
      void this.exited.then((e) => reject(new Error(`server exited (${e.code ?? e.signal}) before the awaited line; stderr: ${this.stderr.slice(-2000)}`)));
    });
  }

  send(message: unknown): void {
    this.child.stdin.write(JSON.stringify(message) + "\n");
  }

  /** The line answering request `id` (matched on its head, so it works for huge replies). */
  reply(id: number): Promise<RawLine> {
    const prefix = Buffer.from(`{"id":${id},`);
    return this.waitFor((l) => l.head.subarray(0, prefix.length).equals(prefix));
  }

  async initialize(): Promise<void> {
    this.send({ id: 0, method: "initialize", params: { clientInfo: { name: "raw", version: "1" }, capabilities: { experimentalApi: true } } });
    await this.reply(0);
  }

  async stop(): Promise<void> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}
