// The server under test over a WebSocket (TCP `ws://IP:PORT`, or WebSocket framing over a
// Unix socket as upstream's `unix://PATH`): one JSON-RPC message per text frame.
//
// Connecting retries with backoff while the server is not there yet (connection refused,
// socket file missing, 503), a bounded number of times; an auth or Origin refusal
// (401/403) fails at once. Once the connection has opened it is never re-established:
// a new connection would be a new session (no handshake, no processes), so a drop ends
// the run like a server exit. Messages sent while connecting wait (bounded) and go out in
// order once open.
import type { TranscriptClock } from "./server-process.ts";
import type { ConnectionCallbacks, ConnectionExitInfo, ServerConnection, SocketTarget, TranscriptEntry } from "./types.ts";
import { wsPackageSocket, type DriverSocket, type SocketError, type SocketFactory } from "./socket.ts";

export interface RetryPolicy {
  /** Connection attempts in all (1 = no retry). */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 20, initialDelayMs: 50, maxDelayMs: 1000 };

export interface WebSocketConnectionOptions extends ConnectionCallbacks {
  target: SocketTarget;
  retry?: RetryPolicy;
  /** Per attempt. */
  handshakeTimeoutMs?: number;
  /** Messages held while connecting; more are dropped (noted in the transcript). */
  maxPendingMessages?: number;
  socketFactory?: SocketFactory;
  /** Share a transcript and its clock with another transport (launch mode). */
  clock?: TranscriptClock;
  /**
   * Messages already recorded in the transcript by the caller (sent before this
   * connection existed): queued first, not recorded again.
   */
  queued?: string[];
}

/** The URL upstream's own client uses for WebSocket over its control socket. */
export const UNIX_HANDSHAKE_URL = "ws://localhost/rpc";

const RETRY_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EAGAIN", "ETIMEDOUT"]);

/** Worth another attempt: nothing answered yet, or the server said "not now" (503). */
export function isRetryable(error: SocketError | undefined): boolean {
  if (error === undefined) return true;
  if (error.status !== undefined) return error.status === 503;
  return error.code === undefined || RETRY_CODES.has(error.code);
}

type State = "connecting" | "open" | "closed";

export class WebSocketConnection implements ServerConnection {
  readonly started: number;
  readonly transcript: TranscriptEntry[];
  exit: ConnectionExitInfo | undefined;
  spawnError: Error | undefined;
  /** Connection attempts made so far. */
  attempts = 0;
  private state: State = "connecting";
  private socket: DriverSocket | undefined;
  private pending: string[] = [];
  private closeRequested = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private exitWaiters: Array<(info: ConnectionExitInfo) => void> = [];
  private readonly retry: RetryPolicy;
  private readonly factory: SocketFactory;
  private readonly description: string;

  constructor(private readonly opts: WebSocketConnectionOptions) {
    this.started = opts.clock?.started ?? Date.now();
    this.transcript = opts.clock?.transcript ?? [];
    this.pending = [...(opts.queued ?? [])];
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.factory = opts.socketFactory ?? wsPackageSocket;
    this.description = opts.target.kind === "ws" ? opts.target.url : `unix://${opts.target.path}`;
    this.connect();
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  now(): number {
    return Date.now() - this.started;
  }

  note(text: string): void {
    this.transcript.push({ t: this.now(), dir: "note", text });
  }

  private connect(): void {
    this.attempts++;
    const target = this.opts.target;
    const headers: Record<string, string> = {};
    if (target.token !== undefined) headers.authorization = `Bearer ${target.token}`;
    let lastError: SocketError | undefined;
    let opened = false;
    let socket: DriverSocket;
    try {
      socket = this.factory(
        {
          url: target.kind === "ws" ? target.url : UNIX_HANDSHAKE_URL,
          ...(target.kind === "unix" ? { socketPath: target.path } : {}),
          headers,
          handshakeTimeoutMs: this.opts.handshakeTimeoutMs ?? 10_000,
        },
        {
          onOpen: () => {
            opened = true;
            this.onOpen();
          },
          onMessage: (data, isBinary) => this.onMessage(data, isBinary),
          onError: (error) => {
            lastError ??= error;
          },
          onClose: (code, reason) => {
            if (this.socket === socket) this.socket = undefined;
            if (opened) this.finish({ code: this.isCleanClose(code) ? 0 : null, signal: null, closeCode: code, closeReason: reason });
            else this.onConnectFailed(lastError ?? { message: `closed before opening (code ${code}${reason ? `, ${reason}` : ""})` });
          },
        },
      );
    } catch (error) {
      this.onConnectFailed({ message: (error as Error).message, code: "EFACTORY" });
      return;
    }
    this.socket = socket;
  }

  /**
   * A normal close (1000, or 1005 without a code) is a clean end; so is a dropped
   * connection (1006) after the kit sent its close frame, because Codex answers a close
   * frame by dropping the TCP connection instead of completing the handshake.
   */
  private isCleanClose(code: number): boolean {
    return code === 1000 || code === 1005 || (code === 1006 && this.closeRequested);
  }

  private onOpen(): void {
    if (this.state !== "connecting") return;
    this.state = "open";
    this.note(`connected to ${this.description}${this.attempts > 1 ? ` (attempt ${this.attempts})` : ""}`);
    const pending = this.pending;
    this.pending = [];
    for (const line of pending) this.socket?.send(line);
    if (this.closeRequested) this.socket?.close(1000, "");
  }

  private onMessage(data: string | Uint8Array, isBinary: boolean): void {
    if (isBinary) {
      this.note(`ignored a binary frame (${(data as Uint8Array).byteLength} bytes); the protocol uses text frames`);
      return;
    }
    const line = data as string;
    const t = this.now();
    this.transcript.push({ t, dir: "in", line });
    this.opts.onLine(line, t);
  }

  private onConnectFailed(error: SocketError): void {
    if (this.state !== "connecting") return;
    const canRetry = !this.closeRequested && this.attempts < this.retry.attempts && isRetryable(error);
    if (canRetry) {
      const delay = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (this.attempts - 1));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.state === "connecting" && !this.closeRequested) this.connect();
        else this.finish({ code: null, signal: null });
      }, delay);
      return;
    }
    const why = `could not connect to ${this.description} after ${this.attempts} attempt(s): ${error.message}`;
    this.spawnError = new Error(why);
    this.note(why);
    this.finish({ code: null, signal: null });
  }

  private finish(info: ConnectionExitInfo): void {
    if (this.exit) return;
    const wasOpen = this.state === "open";
    this.state = "closed";
    this.exit = info;
    if (this.pending.length) this.note(`(${this.pending.length} message(s) not delivered: the connection never opened)`);
    this.pending = [];
    if (wasOpen) this.note(`connection closed (code ${info.closeCode}${info.closeReason ? `, ${info.closeReason}` : ""})`);
    this.opts.onExit(info);
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const w of waiters) w(info);
  }

  send(line: string): void {
    this.transcript.push({ t: this.now(), dir: "out", line });
    if (this.closeRequested || this.state === "closed") {
      this.note("(not delivered: the connection is closed)");
      return;
    }
    if (this.state === "connecting") {
      if (this.pending.length >= (this.opts.maxPendingMessages ?? 10_000)) {
        this.note("(not delivered: too many messages waiting for the connection)");
        return;
      }
      this.pending.push(line);
      return;
    }
    this.socket?.send(line);
  }

  /** Sends a close frame (after anything still waiting to go out). */
  closeStdin(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.note("closed the connection");
    if (this.state === "open") this.socket?.close(1000, "");
    else if (this.state === "connecting" && this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.finish({ code: null, signal: null });
    }
  }

  waitExit(ms: number): Promise<ConnectionExitInfo | undefined> {
    if (this.exit) return Promise.resolve(this.exit);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      this.exitWaiters.push((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  /** Close frame; if the server does not complete the close in `graceMs`, drop the socket. */
  async stop(graceMs: number): Promise<void> {
    this.closeStdin();
    if (await this.waitExit(graceMs)) return;
    this.note("connection still open; dropping it");
    this.socket?.terminate();
    if (await this.waitExit(1000)) return;
    this.finish({ code: null, signal: null, closeCode: 1006, closeReason: "dropped by the kit" });
  }
}
