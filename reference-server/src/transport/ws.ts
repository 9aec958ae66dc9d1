// WebSocket listener (`ws` package) on a TCP address or a Unix socket. One JSON-RPC message
// per text frame each way; binary frames are ignored (as upstream). The same HTTP server
// answers `GET /readyz` (200 while accepting connections) and `GET /healthz` (200); any
// request carrying an `Origin` header gets 403, so no browser page can drive the server.
// Auth (if configured) is checked on the upgrade, before any message is read.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, WebSocket } from "ws";
import type { ServerConfig } from "../config.ts";
import { log } from "../log.ts";
import { checkAuthorization, type TokenAuth } from "./auth.ts";
import { Connection, type ConnectionLimits } from "./connection.ts";
import type { ListenTarget } from "./listen.ts";
import { formatTarget } from "./listen.ts";
import type { OutboundPort } from "./stdio.ts";
import { InboundBudget } from "./inbound-budget.ts";
import { listenUnix, type UnixListening } from "./unix.ts";

/** Largest inbound frame (ws closes the connection with 1009 beyond it). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A connection must send `initialize` within this long, or it is closed. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Bytes a client sending a large first message must deliver per handshake period to stay open. */
const MIN_PROGRESS_BYTES = 1024 * 1024;
/**
 * Connections not yet initialized that may be open at once. Past it the oldest one is
 * closed to make room: idle connections can never keep a newcomer out.
 */
export const MAX_PENDING_CONNECTIONS = 2048;

export interface ListenerOptions {
  target: Exclude<ListenTarget, { kind: "stdio" }>;
  config: ServerConfig;
  auth: TokenAuth | undefined;
  limits: ConnectionLimits;
  /** Concurrent initialized connections; further upgrades get 503. */
  maxConnections: number;
  handshakeTimeoutMs?: number;
  maxPendingConnections?: number;
}

export interface Listener {
  /** ws://IP:PORT with the actual port, or unix://PATH. */
  readonly url: string;
  readonly connectionCount: number;
  /** Stops accepting, closes every connection (killing its processes) and removes the socket file. */
  close(): Promise<void>;
}

/** A WebSocket as an OutboundPort: writable while less than `highWater` bytes await the socket. */
export function webSocketPort(ws: WebSocket, highWater: number): OutboundPort {
  let unsent = 0;
  let waiters: Array<() => void> = [];
  let flushers: Array<() => void> = [];
  const gone = () => ws.readyState !== WebSocket.OPEN;
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
    if (unsent === 0 || gone()) {
      const f = flushers;
      flushers = [];
      for (const g of f) g();
    }
  };
  ws.on("close", wake);
  const port: OutboundPort = {
    write(line) {
      port.writePart(line, true);
    },
    // A message written in parts goes out as one fragmented text message.
    writePart(text, last) {
      if (gone()) return;
      const n = Buffer.byteLength(text);
      unsent += n;
      ws.send(text, { binary: false, fin: last }, () => {
        unsent -= n;
        if (unsent < highWater) wake();
      });
    },
    get writable() {
      return gone() || unsent < highWater;
    },
    whenWritable() {
      if (gone() || unsent < highWater) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get bufferedBytes() {
      return gone() ? 0 : ws.bufferedAmount;
    },
    flush() {
      if (gone() || unsent === 0) return Promise.resolve();
      return new Promise((resolve) => flushers.push(resolve));
    },
  };
  return port;
}

function plain(res: ServerResponse, status: number, body = ""): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/** Refuses an upgrade with a plain HTTP response and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, body = ""): void {
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
    `connection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body);
  setTimeout(() => socket.destroy(), 1000).unref();
}

export async function startListener(options: ListenerOptions): Promise<Listener> {
  const { target, config, auth, limits } = options;
  let accepting = false;
  let nextId = 1;
  const live = new Map<WebSocket, Connection>();
  const inbound = new InboundBudget();
  // Connections that have not initialized yet, oldest first, with their handshake deadline.
  const pending = new Map<WebSocket, ReturnType<typeof setTimeout>>();
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const maxPending = options.maxPendingConnections ?? MAX_PENDING_CONNECTIONS;
  const settle = (ws: WebSocket) => {
    const timer = pending.get(ws);
    if (timer === undefined) return;
    clearTimeout(timer);
    pending.delete(ws);
  };
  const highWater = Math.max(1, Math.min(1024 * 1024, Math.floor(limits.maxOutboundBytes / 2)));
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES });
  const http: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.origin !== undefined) return plain(res, 403);
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/readyz") return plain(res, accepting ? 200 : 503);
    if (req.method === "GET" && path === "/healthz") return plain(res, 200);
    plain(res, 400, "Connection header did not include 'upgrade'");
  });
  http.on("clientError", (_error, socket) => socket.destroy());
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined);
    if (req.headers.origin !== undefined) {
      log("warn", `refused a WebSocket upgrade carrying Origin ${JSON.stringify(req.headers.origin)}`);
      return refuseUpgrade(socket, 403);
    }
    const authResult = checkAuthorization(auth, req.headers.authorization);
    if (!authResult.ok) {
      log("warn", `refused a WebSocket upgrade: ${authResult.message}`);
      return refuseUpgrade(socket, authResult.status, authResult.message);
    }
    if (!accepting) return refuseUpgrade(socket, 503, "server is shutting down");
    // Only initialized connections count: idle ones cannot lock anyone out.
    const active = live.size - pending.size;
    if (active >= options.maxConnections) {
      log("warn", `refused a WebSocket upgrade: ${active} connections already open`);
      return refuseUpgrade(socket, 503, "too many connections");
    }
    if (pending.size >= maxPending) {
      const [oldest] = pending.keys();
      log("warn", `${pending.size} connections have not initialized; closing the oldest to make room`);
      settle(oldest!);
      oldest!.terminate();
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      inbound.watch(socket);
      onConnection(ws, socket);
    });
  });

  const onConnection = (ws: WebSocket, socket: Duplex) => {
    const label = `ws#${nextId++}`;
    const connection = new Connection(label, webSocketPort(ws, highWater), config, limits, {
      slowReader: "disconnect",
      disconnect: () => ws.terminate(),
    });
    live.set(ws, connection);
    log("info", `${label}: connected (${live.size} open)`);
    let receivedAtLastCheck = 0;
    const handshakeDeadline = () => {
      // A client still sending a large first message is not idle, and time spent queued for
      // a large-message slot is the server's; a trickle (slowloris) is still closed.
      const receiving = inbound.isReceivingLarge(socket, receivedAtLastCheck, MIN_PROGRESS_BYTES);
      receivedAtLastCheck = inbound.receivedTotal(socket);
      if (receiving) return pending.set(ws, setTimeout(handshakeDeadline, handshakeTimeoutMs));
      pending.delete(ws);
      log("info", `${label}: no initialize within ${handshakeTimeoutMs} ms; closing`);
      ws.close(1008, "initialize not received in time");
      setTimeout(() => ws.terminate(), 1000).unref();
    };
    pending.set(ws, setTimeout(handshakeDeadline, handshakeTimeoutMs));
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      inbound.messageDone(socket);
      if (isBinary) {
        log("warn", `${label}: ignoring a binary frame`);
        return;
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      const text = bytes.toString("utf8");
      connection.receive(text);
      if (connection.session.initialized) settle(ws);
    });
    ws.on("error", (error) => log("info", `${label}: ${error.message}`));
    ws.on("close", (code) => {
      settle(ws);
      live.delete(ws);
      connection.close();
      log("info", `${label}: closed (${code}); ${live.size} open`);
    });
  };

  let unix: UnixListening | undefined;
  let url: string;
  if (target.kind === "ws") {
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen({ host: target.host, port: target.port, exclusive: true }, () => {
        http.off("error", reject);
        resolve();
      });
    });
    const address = http.address();
    const port = typeof address === "object" && address !== null ? address.port : target.port;
    url = formatTarget({ kind: "ws", host: target.host, port });
  } else {
    unix = await listenUnix(http, target.path);
    url = formatTarget(target);
  }
  accepting = true;

  let closing: Promise<void> | undefined;
  return {
    url,
    get connectionCount() {
      return live.size;
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        for (const [ws, connection] of live) {
          connection.close();
          ws.close(1001, "server shutting down");
        }
        const deadline = setTimeout(() => {
          for (const ws of live.keys()) ws.terminate();
          http.closeAllConnections?.();
        }, 500);
        deadline.unref();
        unix?.cleanup();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
        clearTimeout(deadline);
      })();
      return closing;
    },
  };
}
