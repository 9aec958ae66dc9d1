// The server under test as a child process speaking JSONL over stdin/stdout.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import process from "node:process";
import { within } from "./within.ts";

export type TranscriptEntry =
  | { t: number; dir: "out"; line: string }
  | { t: number; dir: "in"; line: string }
  | { t: number; dir: "stderr"; text: string }
  | { t: number; dir: "note"; text: string };

export interface ExitInfo {
  code: number | null;
  signal: string | null;
}

export interface StartOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Called for each complete stdout line. */
  onLine: (line: string, t: number) => void;
  /** Called once the process exited (after stdout ended). */
  onExit: (info: ExitInfo) => void;
  /** Called with every stderr chunk (also past the transcript's stderr limit). */
  onStderr?: (text: string) => void;
  /** Share a transcript and its clock with another transport (launch mode). */
  clock?: TranscriptClock;
}

/** A transcript and the time its entries are relative to. */
export interface TranscriptClock {
  started: number;
  transcript: TranscriptEntry[];
}

const STDERR_LIMIT = 64 * 1024;

export class ServerProcess {
  readonly started: number;
  readonly transcript: TranscriptEntry[];
  exit: ExitInfo | undefined;
  spawnError: Error | undefined;
  private child: ChildProcessByStdio<Writable, Readable, Readable>;
  private stdinClosed = false;
  private stderrBytes = 0;
  private exited: Promise<ExitInfo>;

  constructor(private readonly opts: StartOptions) {
    this.started = opts.clock?.started ?? Date.now();
    this.transcript = opts.clock?.transcript ?? [];
    const [program, ...args] = opts.argv;
    if (program === undefined) throw new Error("empty server command");
    this.child = spawn(program, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
    let buffered = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).replace(/\r$/, "");
        buffered = buffered.slice(nl + 1);
        if (line.trim() === "") continue;
        const t = this.now();
        this.transcript.push({ t, dir: "in", line });
        opts.onLine(line, t);
      }
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      opts.onStderr?.(chunk);
      if (this.stderrBytes >= STDERR_LIMIT) return;
      this.stderrBytes += chunk.length;
      this.transcript.push({ t: this.now(), dir: "stderr", text: chunk });
    });
    this.child.stdin.on("error", () => undefined);
    const stdoutDone = new Promise<void>((r) => this.child.stdout.on("close", () => r()));
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.on("error", (err) => {
        this.spawnError = err;
        this.note(`failed to start the server: ${err.message}`);
        const info = { code: null, signal: null };
        this.exit = info;
        opts.onExit(info);
        resolve(info);
      });
      this.child.on("exit", (code, signal) => {
        void within(stdoutDone, 500).then(() => {
          if (this.exit) return;
          const info = { code, signal };
          this.exit = info;
          this.note(`server exited (code ${code}, signal ${signal})`);
          opts.onExit(info);
          resolve(info);
        });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  now(): number {
    return Date.now() - this.started;
  }

  note(text: string): void {
    this.transcript.push({ t: this.now(), dir: "note", text });
  }

  send(line: string): void {
    this.transcript.push({ t: this.now(), dir: "out", line });
    if (this.stdinClosed || this.exit) {
      this.note("(not delivered: stdin is closed)");
      return;
    }
    this.child.stdin.write(`${line}\n`);
  }

  closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    this.note("closed the server's stdin");
    this.child.stdin.end();
  }

  waitExit(ms: number): Promise<ExitInfo | undefined> {
    return within(this.exited, ms);
  }

  /** Sends a signal to the server's whole process group (falls back to the process). */
  signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exit) return;
    try {
      if (process.platform !== "win32") process.kill(-pid, sig);
      else this.child.kill(sig);
    } catch {
      try {
        this.child.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  /** Closes stdin, waits for a graceful exit, then terminates and kills the process group. */
  async stop(graceMs: number): Promise<void> {
    this.closeStdin();
    if (await this.waitExit(graceMs)) return;
    this.note("server still running after stdin closed; sending SIGTERM");
    this.signal("SIGTERM");
    if (await this.waitExit(1000)) return;
    this.note("sending SIGKILL");
    this.signal("SIGKILL");
    await this.waitExit(2000);
  }
}

/** Splits a command line into argv (quotes and backslash escapes; no shell features). */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: '"' | "'" | undefined;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in command line`);
  if (has || cur) out.push(cur);
  return out;
}
