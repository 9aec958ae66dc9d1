// What the runner needs from "the server under test", whatever carries the messages:
// a child process on stdio (ServerProcess) or a socket connection to a running server
// (WebSocketConnection, over TCP or a Unix socket). ServerProcess already has this shape.
import type { ExitInfo, TranscriptEntry } from "./server-process.ts";

export type { ExitInfo, TranscriptEntry };

/**
 * How a socket connection ended; `code` is 0 for a clean close (1000/1005, or the
 * connection dropped after the kit's own close frame), else null.
 */
export interface ConnectionExitInfo extends ExitInfo {
  /** WebSocket close code (1006: the connection dropped without a close frame). */
  closeCode?: number;
  closeReason?: string;
}

export interface ServerConnection {
  /** Everything sent, received and noted, with times relative to the start. */
  readonly transcript: TranscriptEntry[];
  /** Set once the server exited / the connection closed. */
  readonly exit: ExitInfo | undefined;
  /** Set when the server could not be started or reached (reported as a harness error). */
  readonly spawnError: Error | undefined;
  /** Milliseconds since the start (the transcript's clock). */
  now(): number;
  note(text: string): void;
  /** Sends one JSON-RPC message (one line / one text frame). */
  send(line: string): void;
  /** Ends the client's side: EOF on stdin, or a WebSocket close frame. */
  closeStdin(): void;
  /** Resolves with the exit info, or undefined if the server did not exit in `ms`. */
  waitExit(ms: number): Promise<ExitInfo | undefined>;
  /** Graceful end, then force (kill the process group / drop the socket). */
  stop(graceMs: number): Promise<void>;
}

/** Callbacks the runner gives every transport (as ServerProcess's StartOptions). */
export interface ConnectionCallbacks {
  /** Called for each inbound message (a stdout line or a text frame). */
  onLine: (line: string, t: number) => void;
  /** Called once when the server exited or the connection closed (or never opened). */
  onExit: (info: ExitInfo) => void;
}

/** A server the kit connects to instead of starting it. */
export type SocketTarget =
  | { kind: "ws"; url: string; token?: string }
  | { kind: "unix"; path: string; token?: string };
