// Launch mode: the kit starts the server itself, per fixture, as for stdio (fresh
// workspace as cwd, scrubbed environment with APP_SERVER_CONFORMANCE_PIDS), but with
// `--listen ws://127.0.0.1:0` or `--listen unix://<short path>` (plus `--ready-file` and,
// with a token, `--ws-auth capability-token --ws-token-file`), waits until it listens and
// then talks to it over a WebSocketConnection. So the whole corpus can run over a socket
// with per-fixture isolation.
//
// Readiness is event driven: the `listening on <url>` line the server prints on stderr,
// or the ready file appearing (fs.watch on its directory); a deadline only bounds the wait.
// The fixture's `closeStdin` closes the connection (the socket equivalent of EOF); the
// process itself is stopped by `stop()` (stdin closed, SIGTERM, then SIGKILL).
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, watch, writeFileSync, type FSWatcher } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ServerProcess, type ExitInfo, type StartOptions, type TranscriptClock, type TranscriptEntry } from "./server-process.ts";
import type { ServerConnection, SocketTarget } from "./types.ts";
import { WebSocketConnection, type WebSocketConnectionOptions } from "./ws-connection.ts";

/** How to start a server that listens on a socket (an implementation's `transport`). */
export interface LaunchSpec {
  kind: "ws" | "unix";
  /** Generate a capability token per launch and require it (`--ws-auth capability-token`). */
  authToken?: boolean;
  /** Pass `--ready-file` (default true); the stderr banner is watched either way. */
  readyFile?: boolean;
  /** Bounds the wait for the server to listen (default 10 s). */
  startTimeoutMs?: number;
}

/** sun_path is 108 bytes on Linux, 104 on macOS, including the terminating NUL. */
const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;
const SOCKET_NAME = "s.sock";
const BANNER = /(?:^|\n)listening on ((?:ws|unix):\/\/\S+)/;

/**
 * A private (0700) scratch directory for the ready file, the token and the socket, short
 * enough for a Unix socket path: $TMPDIR if it fits, else /tmp.
 */
export function scratchDir(forSocket: boolean): string {
  const candidates = [tmpdir(), ...(process.platform === "win32" ? [] : ["/tmp"])];
  for (const base of candidates) {
    let dir: string;
    try {
      dir = realpathSync(mkdtempSync(join(base, "asc-")));
    } catch {
      continue;
    }
    // The server creates its temporary socket as <dir>/.s.sock-XXXXXX/s: leave room for it.
    if (!forSocket || Buffer.byteLength(join(dir, `.${SOCKET_NAME}-XXXXXX`, "s")) <= MAX_SOCKET_PATH) return dir;
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`no temporary directory short enough for a Unix socket path (at most ${MAX_SOCKET_PATH} bytes)`);
}

export interface LaunchOptions extends StartOptions {
  launch: LaunchSpec;
  /** Extra options for the socket driver (retry policy, socket factory, ...). */
  socket?: Partial<Omit<WebSocketConnectionOptions, "onLine" | "onExit" | "target" | "clock" | "queued">>;
}

/**
 * The server process plus the connection to it, as one ServerConnection. `exit` is the
 * connection's end (a clean close reads as code 0), or the process's exit when it never
 * got as far as listening.
 */
export class LaunchedServer implements ServerConnection {
  readonly started = Date.now();
  readonly transcript: TranscriptEntry[] = [];
  exit: ExitInfo | undefined;
  spawnError: Error | undefined;
  readonly process: ServerProcess;
  connection: WebSocketConnection | undefined;
  /** The address the server reported (ws://127.0.0.1:PORT or unix:///path). */
  url: string | undefined;
  private readonly dir: string;
  private readonly readyFile: string | undefined;
  private readonly token: string | undefined;
  private readonly socketPath: string | undefined;
  private queued: string[] = [];
  private closeRequested = false;
  private stopping = false;
  private stderrTail = "";
  private watcher: FSWatcher | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private exitWaiters: Array<(info: ExitInfo) => void> = [];

  constructor(private readonly opts: LaunchOptions) {
    const spec = opts.launch;
    const clock: TranscriptClock = { started: this.started, transcript: this.transcript };
    this.dir = scratchDir(spec.kind === "unix");
    const args: string[] = [];
    if (spec.kind === "ws") args.push("--listen", "ws://127.0.0.1:0");
    else {
      this.socketPath = join(this.dir, SOCKET_NAME);
      args.push("--listen", `unix://${this.socketPath}`);
    }
    if (spec.readyFile !== false) {
      this.readyFile = join(this.dir, "ready");
      args.push("--ready-file", this.readyFile);
    }
    if (spec.authToken) {
      this.token = randomBytes(24).toString("base64url");
      const tokenFile = join(this.dir, "token");
      writeFileSync(tokenFile, `${this.token}\n`, { mode: 0o600 });
      args.push("--ws-auth", "capability-token", "--ws-token-file", tokenFile);
    }
    if (this.readyFile !== undefined) {
      try {
        this.watcher = watch(this.dir, () => this.checkReadyFile());
        this.watcher.on("error", () => undefined);
      } catch {
        // no watcher: the stderr banner still tells
      }
    }
    const startMs = spec.startTimeoutMs ?? 10_000;
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (this.connection === undefined && this.exit === undefined) {
        this.failStart(`the server did not start listening within ${startMs} ms (no \`listening on <url>\` on stderr${this.readyFile ? ", no ready file" : ""})`);
      }
    }, startMs);
    this.process = new ServerProcess({
      argv: [...opts.argv, ...args],
      cwd: opts.cwd,
      env: opts.env,
      clock,
      onLine: (line) => this.note(`stdout (not used over a socket): ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`),
      onStderr: (text) => this.onStderr(text),
      onExit: (info) => this.onProcessExit(info),
    });
    this.note(`started the server listening on ${spec.kind === "ws" ? "ws://127.0.0.1:0" : `unix://${this.socketPath}`}${spec.authToken ? " (capability token)" : ""}`);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  now(): number {
    return Date.now() - this.started;
  }

  note(text: string): void {
    this.transcript.push({ t: this.now(), dir: "note", text });
  }

  private onStderr(text: string): void {
    if (this.connection !== undefined || this.exit !== undefined) return;
    this.stderrTail = (this.stderrTail + text).slice(-4096);
    const m = BANNER.exec(this.stderrTail);
    if (m) this.onListening(m[1]!);
  }

  private checkReadyFile(): void {
    if (this.connection !== undefined || this.exit !== undefined || this.readyFile === undefined) return;
    if (!existsSync(this.readyFile)) return;
    let url: string;
    try {
      url = readFileSync(this.readyFile, "utf8").trim();
    } catch {
      return;
    }
    if (url !== "") this.onListening(url);
  }

  private onListening(url: string): void {
    if (this.connection !== undefined || this.exit !== undefined) return;
    this.url = url;
    this.clearStartWatch();
    let target: SocketTarget;
    if (this.opts.launch.kind === "unix") target = { kind: "unix", path: this.socketPath! };
    else if (url.startsWith("ws://")) target = { kind: "ws", url };
    else return this.failStart(`the server reported ${url}, expected a ws:// URL`);
    if (this.token !== undefined) target = { ...target, token: this.token };
    const queued = this.queued;
    this.queued = [];
    this.connection = new WebSocketConnection({
      ...this.opts.socket,
      target,
      clock: { started: this.started, transcript: this.transcript },
      queued,
      onLine: (line, t) => this.opts.onLine(line, t),
      onExit: (info) => {
        if (this.connection?.spawnError) this.spawnError ??= this.connection.spawnError;
        this.finish(info);
      },
    });
    if (this.closeRequested) this.connection.closeStdin();
  }

  private onProcessExit(info: ExitInfo): void {
    if (this.process.spawnError) this.spawnError ??= this.process.spawnError;
    if (this.connection === undefined) {
      this.clearStartWatch();
      if (!this.stopping) this.spawnError ??= new Error(`the server exited (code ${info.code}, signal ${info.signal}) before listening`);
      this.finish(info);
    }
    // With a connection, its close (1006 when the server died) is the exit.
  }

  private failStart(why: string): void {
    this.spawnError ??= new Error(why);
    this.note(why);
    this.clearStartWatch();
    this.finish({ code: null, signal: null });
  }

  private clearStartWatch(): void {
    if (this.startTimer !== undefined) clearTimeout(this.startTimer);
    this.startTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private finish(info: ExitInfo): void {
    if (this.exit) return;
    this.exit = info;
    if (this.queued.length) this.note(`(${this.queued.length} message(s) not delivered: the server never listened)`);
    this.queued = [];
    this.opts.onExit(info);
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w(info);
  }

  send(line: string): void {
    if (this.connection !== undefined) return this.connection.send(line);
    this.transcript.push({ t: this.now(), dir: "out", line });
    if (this.closeRequested || this.exit) {
      this.note("(not delivered: the connection is closed)");
      return;
    }
    if (this.queued.length >= 10_000) {
      this.note("(not delivered: too many messages waiting for the server to listen)");
      return;
    }
    this.queued.push(line);
  }

  /** Over a socket, "closing stdin" is closing the connection (a close frame). */
  closeStdin(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.connection !== undefined) this.connection.closeStdin();
    else this.note("closed the connection (before it opened)");
  }

  waitExit(ms: number): Promise<ExitInfo | undefined> {
    if (this.exit) return Promise.resolve(this.exit);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      this.exitWaiters.push((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  /**
   * Closes the connection (close frame, then drop), then stops the process: stdin closed,
   * SIGTERM (a listener does not read stdin; SIGTERM is its documented stop) and, if it
   * is still running after `graceMs`, SIGKILL to its process group.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.clearStartWatch();
    if (this.connection !== undefined) await this.connection.stop(graceMs);
    else this.finish({ code: null, signal: null });
    const proc = this.process;
    if (proc.exit === undefined) {
      proc.closeStdin();
      proc.note("sending SIGTERM to the listening server");
      proc.signal("SIGTERM");
      if (!(await proc.waitExit(graceMs))) {
        proc.note("server still running after SIGTERM; sending SIGKILL");
        proc.signal("SIGKILL");
        await proc.waitExit(2000);
      }
    }
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
