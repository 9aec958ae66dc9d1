// The handshake deadline closes connections that never initialize (idle floods, slowloris),
// but not a client whose large first message is still arriving at a real rate, nor one the
// server itself keeps waiting for a large-message slot.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { defaultConfig } from "../../src/config.ts";
import { DEFAULT_LIMITS } from "../../src/transport/connection.ts";
import { startListener, type Listener } from "../../src/transport/ws.ts";

const MiB = 1024 * 1024;
const DEADLINE_MS = 2000;
let listener: Listener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function listen(): Promise<string> {
  listener = await startListener({
    target: { kind: "ws", host: "127.0.0.1", port: 0 },
    config: defaultConfig(),
    auth: undefined,
    limits: DEFAULT_LIMITS,
    maxConnections: 8,
    handshakeTimeoutMs: DEADLINE_MS,
  });
  return listener.url;
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return ws;
}

/** Sends `total` bytes of one text message in fragments of `piece` bytes, one per `everyMs`. */
async function trickle(ws: WebSocket, total: number, piece: number, everyMs: number): Promise<void> {
  const head = `{"id":1,"method":"command/exec","params":{"command":["true"],"env":{"A":"`;
  const tail = `"}}}`;
  const body = Buffer.from(head + "a".repeat(total - head.length - tail.length) + tail);
  for (let at = 0; at < body.length && ws.readyState === WebSocket.OPEN; at += piece) {
    const end = Math.min(body.length, at + piece);
    ws.send(body.subarray(at, end), { fin: end === body.length, binary: false });
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const fate = (ws: WebSocket) =>
  new Promise<string>((resolve) => {
    ws.once("message", (m: Buffer) => resolve(`answer ${m.toString().slice(0, 80)}`));
    ws.once("close", (code: number) => resolve(`close ${code}`));
  });

describe("WebSocket handshake deadline", { timeout: 60_000 }, () => {
  it("closes a connection that never sends initialize", async () => {
    const ws = await open(await listen());
    expect(await fate(ws)).toBe("close 1008");
  });

  it("closes a client trickling a large first message (under 1 MiB per deadline)", async () => {
    const ws = await open(await listen());
    const ending = fate(ws);
    void trickle(ws, 8 * MiB, 64 * 1024, 200);
    expect(await ending).toBe("close 1008");
  });

  it("keeps a client whose large first message arrives at a real rate past the deadline, and answers it", async () => {
    const ws = await open(await listen());
    const ending = fate(ws);
    // 24 MiB at 1.5 MiB per 300 ms: about 4.8 s, more than two deadlines long.
    void trickle(ws, 24 * MiB, 1.5 * MiB, 300);
    expect(await ending).toMatch(/^answer .*"code":-32600/);
    ws.terminate();
  });
});
