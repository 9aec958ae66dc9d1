// The raw WebSocket under the driver, behind a small factory so tests can swap it:
//
// - `wsPackageSocket` (the default): the `ws` package client. It is the only option that
//   can send `Authorization: Bearer` on the upgrade and speak WebSocket over a Unix
//   socket (`ws+unix:`), and it reports HTTP refusals (status + body) and socket errno
//   codes, which the driver uses to decide whether to retry.
// - `globalWebSocket`: the WHATWG `globalThis.WebSocket` (Deno, Node >= 22, browsers). It
//   cannot send headers. msw 2 (`ws.link` + `setupServer` from "msw/node") intercepts only
//   this global, so the driver's unit tests run on it: on Node 20, which has no global
//   WebSocket, the tests install the `ws` class as `globalThis.WebSocket` first, and msw
//   wraps it.
import WebSocket from "ws";

export interface SocketError {
  message: string;
  /** errno-style code (ECONNREFUSED, ENOENT, ...) when the socket layer failed. */
  code?: string;
  /** HTTP status when the server refused the upgrade (401, 403, 503, ...). */
  status?: number;
}

export interface SocketEvents {
  onOpen(): void;
  onMessage(data: string | Uint8Array, isBinary: boolean): void;
  onError(error: SocketError): void;
  /** Always called last, once, whether or not the socket ever opened. */
  onClose(code: number, reason: string): void;
}

export interface DriverSocket {
  send(text: string): void;
  close(code: number, reason?: string): void;
  /** Drops the connection without a closing handshake. */
  terminate(): void;
}

export interface SocketEndpoint {
  /** ws://IP:PORT/...; for a Unix socket the URL used in the handshake (ws://localhost/rpc). */
  url: string;
  /** Unix socket path, when the WebSocket runs over a Unix socket. */
  socketPath?: string;
  headers: Record<string, string>;
  /** Bounds the opening handshake. */
  handshakeTimeoutMs: number;
}

export type SocketFactory = (endpoint: SocketEndpoint, events: SocketEvents) => DriverSocket;

const MAX_ERROR_BODY = 1024;

/** The `ws` package client (Node and Deno). */
export const wsPackageSocket: SocketFactory = (endpoint, events) => {
  let url = endpoint.url;
  const headers = { ...endpoint.headers };
  if (endpoint.socketPath !== undefined) {
    // ws's syntax for WebSocket over a Unix socket: ws+unix:<socket path>:<request path>.
    const path = new URL(endpoint.url).pathname || "/";
    url = `ws+unix:${endpoint.socketPath}:${path}`;
    headers.host ??= "localhost";
  }
  const ws = new WebSocket(url, {
    headers,
    perMessageDeflate: false,
    followRedirects: false,
    handshakeTimeout: endpoint.handshakeTimeoutMs,
    maxPayload: 256 * 1024 * 1024,
  });
  let refused = false;
  ws.on("unexpected-response", (req, res) => {
    refused = true;
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      if (body.length < MAX_ERROR_BODY) body += chunk;
    });
    const done = () => {
      const status = res.statusCode ?? 0;
      events.onError({ message: `HTTP ${status}${body ? `: ${body.slice(0, MAX_ERROR_BODY)}` : ""}`, status });
      req.destroy();
      ws.terminate();
    };
    res.on("end", done);
    res.on("error", done);
  });
  ws.on("open", () => events.onOpen());
  ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    events.onMessage(isBinary ? new Uint8Array(bytes) : bytes.toString("utf8"), isBinary);
  });
  ws.on("error", (error: Error & { code?: string }) => {
    if (refused) return; // the HTTP refusal was reported already
    events.onError({ message: error.message, ...(error.code !== undefined ? { code: error.code } : {}) });
  });
  ws.on("close", (code: number, reason: Buffer) => events.onClose(code, reason.toString("utf8")));
  return {
    send: (text) => ws.send(text, { binary: false }),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
};

interface WhatwgWebSocket {
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
}
type WhatwgWebSocketCtor = new (url: string) => WhatwgWebSocket;

/** `globalThis.WebSocket` (read at connect time, so msw's patch applies). No headers, no Unix sockets. */
export const globalWebSocket: SocketFactory = (endpoint, events) => {
  const Ctor = (globalThis as { WebSocket?: WhatwgWebSocketCtor }).WebSocket;
  if (Ctor === undefined) throw new Error("this runtime has no global WebSocket");
  if (endpoint.socketPath !== undefined) throw new Error("the global WebSocket cannot connect to a Unix socket");
  const ws = new Ctor(endpoint.url);
  ws.binaryType = "arraybuffer";
  let opened = false;
  const timer = setTimeout(() => {
    if (opened) return;
    events.onError({ message: `opening handshake timed out after ${endpoint.handshakeTimeoutMs} ms` });
    ws.close();
  }, endpoint.handshakeTimeoutMs);
  ws.addEventListener("open", () => {
    opened = true;
    clearTimeout(timer);
    events.onOpen();
  });
  ws.addEventListener("message", (event: { data: unknown }) => {
    if (typeof event.data === "string") events.onMessage(event.data, false);
    else events.onMessage(new Uint8Array(event.data as ArrayBuffer), true);
  });
  ws.addEventListener("error", (event: { message?: string }) => events.onError({ message: event.message ?? "WebSocket error" }));
  ws.addEventListener("close", (event: { code: number; reason: string }) => {
    clearTimeout(timer);
    events.onClose(event.code, event.reason);
  });
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.close(),
  };
};
