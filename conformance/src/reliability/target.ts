// A server under test, started from its command line over stdio (or with --listen for
// the WebSocket scenarios), seen as bytes: replies may be larger than a JS string.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { treePids } from "../bench/proc-tree.ts";
import { splitCommandLine } from "../transports/server-process.ts";

/** Commands the scenarios run; everything else in the server's process tree is the server. */
export const CHILD_COMMS = new Set(["sleep", "sh", "bash", "head", "yes", "tr", "bwrap", "true", "echo", "cat"]);

export interface Line {
  length: number;
  head: string;
  /** Parsed when under 1 MiB. */
  message?: { id?: unknown; method?: string; params?: any; result?: any; error?: { code: number; message: string } };
}

export class StdioTarget {
  readonly child: ChildProcess;
  readonly lines: Line[] = [];
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;
  private parts: Buffer[] = [];
  private length = 0;
  private waiters: Array<() => void> = [];

  constructor(commandLine: string, cwd: string, extraStdio: Array<"ignore" | number> = []) {
    const [program, ...args] = splitCommandLine(commandLine);
    if (program === undefined) throw new Error("empty server command line");
    this.child = spawn(program, args, { cwd, stdio: ["pipe", "pipe", "ignore", ...extraStdio], detached: true });
    this.child.stdin!.on("error", () => undefined);
    this.child.stdout!.on("data", (chunk: Buffer) => this.onData(chunk));
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
        this.wake();
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private onData(chunk: Buffer): void {
    let rest = chunk;
    for (let nl = rest.indexOf(0x0a); nl !== -1; nl = rest.indexOf(0x0a)) {
      this.take(rest.subarray(0, nl));
      const line: Line = { length: this.length, head: Buffer.concat(this.parts).subarray(0, 256).toString("utf8") };
      if (this.length < 1 << 20) {
        try {
          line.message = JSON.parse(Buffer.concat(this.parts).toString("utf8"));
        } catch {
          // not JSON
        }
      }
      this.lines.push(line);
      this.parts = [];
      this.length = 0;
      rest = rest.subarray(nl + 1);
    }
    if (rest.length > 0) this.take(rest);
    this.wake();
  }

  private take(part: Buffer): void {
    this.length += part.length;
    // Keep the bytes of small lines and the head of large ones.
    if (this.length < 1 << 20) this.parts.push(Buffer.from(part));
  }

  send(line: string): void {
    if (this.exit === undefined) this.child.stdin!.write(line + "\n");
  }

  /** Resolves with the first line matching `test`, or undefined on exit or after `timeoutMs`. */
  async waitFor(test: (l: Line) => boolean, timeoutMs = 30_000): Promise<Line | undefined> {
    const deadline = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      for (; from < this.lines.length; from++) if (test(this.lines[from]!)) return this.lines[from];
      if (this.exit !== undefined || Date.now() > deadline) return undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  reply(id: number, timeoutMs?: number): Promise<Line | undefined> {
    const prefixes = [`{"id":${id},`, `{"error"`, `{"result"`];
    return this.waitFor((l) => (l.message !== undefined ? l.message.id === id && l.message.method === undefined : l.head.startsWith(prefixes[0]!)), timeoutMs);
  }

  async initialize(): Promise<boolean> {
    this.send(JSON.stringify({ id: 0, method: "initialize", params: { clientInfo: { name: "reliability", version: "1" }, capabilities: { experimentalApi: true } } }));
    const ok = (await this.reply(0)) !== undefined;
    this.send(JSON.stringify({ method: "initialized" }));
    return ok;
  }

  /** Processes of the server itself (the launched pid and descendants that are not commands it ran). */
  serverPids(): number[] {
    return treePids(this.pid).filter((pid) => !CHILD_COMMS.has(comm(pid)));
  }

  async stop(): Promise<void> {
    this.child.stdin!.end();
    const timer = setTimeout(() => killAll(this.serverPids()), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

export function killAll(pids: number[], signal: NodeJS.Signals = "SIGKILL"): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Live, non-zombie pids whose argv is exactly `argv`. */
export function pidsWithArgv(argv: string[]): number[] {
  const want = argv.join("\0") + "\0";
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8") !== want) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (!stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

/** Resident memory of the server's own processes, in bytes. */
export function serverRss(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kib * 1024;
}

/** Samples `measure` every 50 ms while `body` runs; returns its result and the peak. */
export async function peakDuring<T>(measure: () => number, body: () => Promise<T>): Promise<{ value: T; peak: number }> {
  let peak = measure();
  const timer = setInterval(() => (peak = Math.max(peak, measure())), 50);
  try {
    const value = await body();
    return { value, peak: Math.max(peak, measure()) };
  } finally {
    clearInterval(timer);
  }
}

export const sleepMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
