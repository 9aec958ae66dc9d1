// Kit-side transports. The runner talks to a `ServerConnection`: a child process on stdio
// (ServerProcess, started per fixture), a child process started per fixture listening on
// a socket plus a connection to it (LaunchedServer: an implementation descriptor's
// `transport`), or a socket connection to a server that is already running
// (`--server ws://127.0.0.1:PORT` with `--auth-token-file`, or `--server unix:///path.sock`).
// See docs/transports.md.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ServerProcess, type StartOptions } from "./server-process.ts";
import type { ConnectionCallbacks, ServerConnection, SocketTarget } from "./types.ts";
import { WebSocketConnection, type WebSocketConnectionOptions } from "./ws-connection.ts";
import { LaunchedServer, type LaunchSpec } from "./launch.ts";

export type { ConnectionCallbacks, ConnectionExitInfo, ExitInfo, ServerConnection, SocketTarget, TranscriptEntry } from "./types.ts";
export { WebSocketConnection, DEFAULT_RETRY, UNIX_HANDSHAKE_URL, isRetryable, type RetryPolicy, type WebSocketConnectionOptions } from "./ws-connection.ts";
export { LaunchedServer, scratchDir, type LaunchOptions, type LaunchSpec } from "./launch.ts";
export { globalWebSocket, wsPackageSocket, type DriverSocket, type SocketEvents, type SocketFactory, type SocketError } from "./socket.ts";

/** True when `--server` names a socket (ws://, unix://) rather than a command line. */
export function isSocketServer(server: string): boolean {
  return /^(ws|unix):\/\//.test(server.trim());
}

/** Reads a token file as the server does: trimmed, must not be empty. */
export function readTokenFile(path: string): string {
  const token = readFileSync(path, "utf8").trim();
  if (token === "") throw new Error(`--auth-token-file ${path} is empty`);
  return token;
}

/**
 * Parses `--server ws://IP:PORT` / `unix://PATH` (plus `--auth-token-file`). Only
 * loopback ws:// addresses are accepted: the kit sends commands the server will run.
 */
export function parseSocketTarget(server: string, options: { authTokenFile?: string; cwd?: string } = {}): SocketTarget {
  const value = server.trim();
  const token = options.authTokenFile !== undefined ? readTokenFile(options.authTokenFile) : undefined;
  const withToken = <T extends object>(t: T) => (token !== undefined ? { ...t, token } : t);
  if (value.startsWith("unix://")) {
    const path = value.slice("unix://".length);
    if (path === "") throw new Error("--server unix:// needs a socket path (unix:///path/to/socket)");
    return withToken({ kind: "unix" as const, path: isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path) });
  }
  if (value.startsWith("ws://")) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`invalid --server URL ${value}`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const loopback = host === "localhost" || host.startsWith("127.") || host === "::1";
    if (!loopback) throw new Error(`--server ${value}: only loopback addresses (127.0.0.0/8, ::1, localhost) are supported`);
    if (url.port === "") throw new Error(`--server ${value}: give the port (ws://127.0.0.1:PORT)`);
    return withToken({ kind: "ws" as const, url: url.href });
  }
  throw new Error(`--server ${value}: expected ws://IP:PORT or unix://PATH`);
}

export interface OpenServerOptions extends StartOptions {
  /** Connect to this running server instead of starting `argv` on stdio. */
  connect?: SocketTarget;
  /** Start `argv` listening on a socket (appending `--listen ...`) and connect to it. */
  launch?: LaunchSpec;
  /** Extra options for the socket driver (retry policy, socket factory, ...). */
  socket?: Partial<Omit<WebSocketConnectionOptions, keyof ConnectionCallbacks | "target" | "clock" | "queued">>;
}

/**
 * The runner's one switch: a ServerProcess for a command line, a LaunchedServer for a
 * command line plus `launch`, a WebSocketConnection for a socket target. With `connect`,
 * `argv`, `cwd` and `env` are not used (the server is already running with its own
 * working directory and environment).
 */
export function openServer(options: OpenServerOptions): ServerConnection {
  if (options.connect !== undefined && options.launch !== undefined) throw new Error("openServer: give connect or launch, not both");
  if (options.launch !== undefined) {
    const { connect: _connect, launch, socket, ...start } = options;
    return new LaunchedServer({ ...start, launch, ...(socket !== undefined ? { socket } : {}) });
  }
  if (options.connect === undefined) return new ServerProcess(options);
  return new WebSocketConnection({
    ...options.socket,
    target: options.connect,
    onLine: options.onLine,
    onExit: options.onExit,
  });
}
