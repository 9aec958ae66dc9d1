// WebSocket limits judge behaviour, not size or mere presence: a client that reads gets a
// reply larger than the outbound bound, and idle connections that never initialize
// cannot lock a legitimate client out.
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ListeningServer, WsClient } from "../transport/helpers.ts";

const MiB = 1024 * 1024;

describe("WebSocket limits", () => {
  it("deliver a 20 MiB buffered reply and a 20 MiB error to a client that reads", { timeout: 120_000 }, async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0");
    try {
      const client = await WsClient.connect(server.url);
      await client.initialize();
      const reply = await client.request("command/exec", {
        command: ["sh", "-c", `head -c ${20 * MiB} /dev/zero | tr '\\0' a`],
        sandboxPolicy: { type: "dangerFullAccess" },
        outputBytesCap: 32 * MiB,
      });
      expect(reply.result?.stdout.length).toBe(20 * MiB);
      const method = "x".repeat(20 * MiB);
      const error = await client.request(method, {});
      expect(error.error?.message.length).toBeGreaterThan(20 * MiB);
      expect((await client.request("command/exec", { command: ["true"], sandboxPolicy: { type: "dangerFullAccess" } })).result?.exitCode).toBe(0);
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("answer every large message when many arrive at once (the inbound bound queues them, never deadlocks)", { timeout: 120_000 }, async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0");
    const clients: WsClient[] = [];
    try {
      for (let i = 0; i < 8; i++) {
        const client = await WsClient.connect(server.url);
        await client.initialize();
        clients.push(client);
      }
      // 8 x 24 MiB at once is well over the inbound bound: some must wait, and all must be answered.
      const pad = "a".repeat(24 * MiB);
      const answers = await Promise.all(clients.map((c) => c.request("no/such-method", { pad })));
      for (const a of answers) expect(a.error?.message).toMatch(/unknown variant `no\/such-method`/);
      expect((await clients[0]!.request("command/exec", { command: ["true"], sandboxPolicy: { type: "dangerFullAccess" } })).result?.exitCode).toBe(0);
    } finally {
      for (const c of clients) c.ws.terminate();
      await server.stop();
    }
  });

  it("let a legitimate client in while idle connections that never initialize are open", { timeout: 120_000 }, async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0", ["--max-connections", "8"]);
    const idle: WebSocket[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const ws = new WebSocket(server.url, { perMessageDeflate: false });
        ws.on("error", () => undefined);
        idle.push(ws);
        await new Promise<void>((resolve) => {
          ws.once("open", () => resolve());
          ws.once("close", () => resolve());
          ws.once("unexpected-response", () => resolve());
        });
      }
      const client = await WsClient.connect(server.url);
      await client.initialize();
      expect((await client.request("command/exec", { command: ["true"], sandboxPolicy: { type: "dangerFullAccess" } })).result?.exitCode).toBe(0);
      await client.close();
    } finally {
      for (const ws of idle) ws.terminate();
      await server.stop();
    }
  });
});
