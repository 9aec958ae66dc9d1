// The kit's WebSocket driver against msw's WebSocket interception: framing, queueing while
// connecting, reconnect on refusal, no reconnect after open, and error reporting.
//
// msw 2 intercepts only `globalThis.WebSocket`. Node 20 has none, so the `ws` class is
// installed as the global first (msw then wraps it) and the driver runs with the
// `globalWebSocket` factory. The default `ws`-package factory (auth header, Unix sockets)
// is covered end to end in e2e.test.ts against the real server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WsWebSocket from "ws";
import { ws } from "msw";
import { setupServer } from "msw/node";
import { WebSocketConnection, globalWebSocket, isRetryable, type ExitInfo } from "../../src/transports/index.ts";

const URL = "ws://127.0.0.1:47999/";
const link = ws.link(URL);
const mock = setupServer();
const hadGlobal = (globalThis as { WebSocket?: unknown }).WebSocket !== undefined;

beforeAll(() => {
  if (!hadGlobal) Object.defineProperty(globalThis, "WebSocket", { value: WsWebSocket, configurable: true, writable: true });
  mock.listen({ onUnhandledRequest: "error" });
});
afterEach(() => {
  mock.resetHandlers();
  vi.restoreAllMocks();
});
/** msw logs handler exceptions (our simulated refusals) with console.error. */
const quietMsw = () => vi.spyOn(console, "error").mockImplementation(() => undefined);
afterAll(() => {
  mock.close();
  if (!hadGlobal) delete (globalThis as { WebSocket?: unknown }).WebSocket;
});

function driver(extra: Partial<ConstructorParameters<typeof WebSocketConnection>[0]> = {}) {
  const lines: string[] = [];
  const exits: ExitInfo[] = [];
  const conn = new WebSocketConnection({
    target: { kind: "ws", url: URL },
    socketFactory: globalWebSocket,
    retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    onLine: (line) => lines.push(line),
    onExit: (info) => exits.push(info),
    ...extra,
  });
  return { conn, lines, exits };
}

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("WebSocket driver (msw)", () => {
  it("msw intercepts the driver's socket (no real network)", async () => {
    let connections = 0;
    mock.use(link.addEventListener("connection", () => connections++));
    const { conn } = driver();
    await until(() => conn.isOpen);
    expect(connections).toBe(1);
    await conn.stop(500);
  });

  it("one message per text frame each way; messages sent while connecting go out in order", async () => {
    const received: unknown[] = [];
    mock.use(
      link.addEventListener("connection", ({ client }) => {
        client.addEventListener("message", (event) => {
          received.push(event.data);
          const msg = JSON.parse(String(event.data)) as { id: number };
          client.send(JSON.stringify({ id: msg.id, result: {} }));
          if (msg.id === 2) client.send(JSON.stringify({ method: "command/exec/outputDelta", params: { processId: "p" } }));
        });
      }),
    );
    const { conn, lines } = driver();
    // Sent before the socket is open: held and flushed in order.
    conn.send('{"id":1,"method":"initialize","params":{}}');
    conn.send('{"id":2,"method":"command/exec","params":{"x":"a\\nb"}}');
    await until(() => lines.length === 3);
    expect(received).toEqual(['{"id":1,"method":"initialize","params":{}}', '{"id":2,"method":"command/exec","params":{"x":"a\\nb"}}']);
    expect(lines).toEqual(['{"id":1,"result":{}}', '{"id":2,"result":{}}', '{"method":"command/exec/outputDelta","params":{"processId":"p"}}']);
    expect(conn.transcript.filter((e) => e.dir === "out").length).toBe(2);
    expect(conn.transcript.filter((e) => e.dir === "in").length).toBe(3);
    await conn.stop(500);
  });

  it("binary frames are not messages: noted, not delivered", async () => {
    mock.use(
      link.addEventListener("connection", ({ client }) => {
        client.send(new Uint8Array([1, 2, 3]));
        client.send('{"method":"x"}');
      }),
    );
    const { conn, lines } = driver();
    await until(() => lines.length === 1);
    expect(lines).toEqual(['{"method":"x"}']);
    expect(conn.transcript.some((e) => e.dir === "note" && /binary frame \(3 bytes\)/.test(e.text))).toBe(true);
    await conn.stop(500);
  });

  it("reconnects while the connection cannot be established, then delivers", async () => {
    quietMsw();
    let attempts = 0;
    const received: unknown[] = [];
    mock.use(
      link.addEventListener("connection", ({ client }) => {
        attempts++;
        // A throwing handler makes msw fail the handshake (error + close before open).
        if (attempts < 3) throw new Error("not listening yet");
        client.addEventListener("message", (event) => received.push(event.data));
      }),
    );
    const { conn, exits } = driver();
    conn.send('{"id":1,"method":"initialize","params":{}}');
    await until(() => received.length === 1);
    expect(conn.attempts).toBe(3);
    expect(exits).toEqual([]);
    expect(conn.transcript.some((e) => e.dir === "note" && e.text.includes("(attempt 3)"))).toBe(true);
    await conn.stop(500);
  }, 10_000);

  it("gives up after the retry budget: spawnError, one onExit, queued messages reported undelivered", async () => {
    quietMsw();
    mock.use(
      link.addEventListener("connection", () => {
        throw new Error("refused");
      }),
    );
    const { conn, exits } = driver({ retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 5 } });
    conn.send('{"id":1,"method":"initialize","params":{}}');
    await until(() => exits.length === 1);
    expect(conn.attempts).toBe(2);
    expect(conn.spawnError?.message).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:47999\/ after 2 attempt\(s\)/);
    expect(exits[0]).toEqual({ code: null, signal: null });
    expect(conn.transcript.some((e) => e.dir === "note" && /1 message\(s\) not delivered/.test(e.text))).toBe(true);
    await conn.stop(100);
    expect(exits.length).toBe(1);
  }, 10_000);

  it("a server-side close after open ends the connection (no reconnect): exit info carries the close code", async () => {
    let attempts = 0;
    mock.use(
      link.addEventListener("connection", ({ client }) => {
        attempts++;
        client.addEventListener("message", () => client.close(1011, "boom"));
      }),
    );
    const { conn, exits } = driver();
    conn.send('{"id":1,"method":"initialize","params":{}}');
    await until(() => exits.length === 1);
    expect(exits[0]).toMatchObject({ code: null, signal: null, closeCode: 1011, closeReason: "boom" });
    expect(await conn.waitExit(10)).toMatchObject({ closeCode: 1011 });
    conn.send('{"id":2,"method":"x"}');
    expect(conn.transcript.at(-1)).toMatchObject({ dir: "note", text: "(not delivered: the connection is closed)" });
    await new Promise((r) => setTimeout(r, 50));
    expect(attempts).toBe(1);
  });

  it("closeStdin sends a normal close frame; a clean close reads as exit code 0", async () => {
    const closes: number[] = [];
    mock.use(
      link.addEventListener("connection", ({ client }) => {
        client.addEventListener("close", (event) => closes.push(event.code));
      }),
    );
    const { conn, exits } = driver();
    await until(() => conn.isOpen);
    conn.closeStdin();
    const info = await conn.waitExit(2000);
    expect(info).toMatchObject({ code: 0, closeCode: 1000 });
    expect(exits.length).toBe(1);
    await until(() => closes.length === 1);
    expect(closes).toEqual([1000]);
  });

  it("classifies failures: refused/missing socket/503 retry, auth and Origin refusals do not", () => {
    expect(isRetryable({ message: "x", code: "ECONNREFUSED" })).toBe(true);
    expect(isRetryable({ message: "x", code: "ENOENT" })).toBe(true);
    expect(isRetryable({ message: "x", status: 503 })).toBe(true);
    expect(isRetryable({ message: "x", status: 401 })).toBe(false);
    expect(isRetryable({ message: "x", status: 403 })).toBe(false);
    expect(isRetryable({ message: "x", code: "EACCES" })).toBe(false);
  });
});
