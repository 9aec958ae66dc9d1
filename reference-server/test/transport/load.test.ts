// Load: a bounded request queue per connection (-32001 when full) and a bound on the output
// a client that does not read can make the server hold (WebSocket: disconnected).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ServerProcess, eventually, exec, type Message } from "../helpers/server.ts";
import { ListeningServer, WsClient } from "./helpers.ts";

const OVERLOADED = { code: -32001, message: "Server overloaded; retry later." };

/** Streams `bytes` of output as fast as the server takes it (backpressured). */
const flood = (bytes: number) =>
  exec(["sh", "-c", `head -c ${bytes} /dev/zero`], { processId: "big", streamStdoutStderr: true, disableOutputCap: true });

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tally(messages: Message[], ids: string[]) {
  const answers = ids.map((id) => messages.filter((m) => m.id === id && m.method === undefined));
  return {
    answeredOnce: answers.every((a) => a.length === 1),
    overloaded: answers.filter((a) => a[0]?.error?.code === -32001).length,
    ok: answers.filter((a) => a[0]?.result !== undefined).length,
    errors: answers.map((a) => a[0]?.error).filter((e) => e !== undefined),
  };
}

describe("bounded request queue", () => {
  it("stdio: requests that cannot be queued while stdout is full get -32001", async () => {
    const s = new ServerProcess({ args: ["--max-queued-requests", "3"] });
    try {
      await s.initialize();
      s.child.stdout.pause(); // stop reading: the server's stdout fills up
      s.send({ id: "big", method: "command/exec", params: flood(8 * 1024 * 1024) });
      await eventually(() => s.child.stdout.readableLength >= s.child.stdout.readableHighWaterMark);
      await sleep(300);
      const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
      for (const id of ids) s.send({ id, method: "permissionProfile/list", params: {} });
      await sleep(300);
      s.child.stdout.resume();
      await s.response("big");
      await eventually(() => ids.every((id) => s.messages.some((m) => m.id === id)));
      const t = tally(s.messages, ids);
      expect(t.answeredOnce).toBe(true);
      expect(t.ok).toBe(3);
      expect(t.overloaded).toBe(7);
      for (const e of t.errors) expect(e).toEqual(OVERLOADED);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  it("WebSocket: the same, per connection (another client is unaffected)", async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0", ["--max-queued-requests", "3"]);
    try {
      const slow = await WsClient.connect(server.url);
      const other = await WsClient.connect(server.url);
      await Promise.all([slow.initialize(), other.initialize()]);
      slow.ws.pause();
      slow.send({ id: "big", method: "command/exec", params: flood(64 * 1024 * 1024) });
      await sleep(1500); // kernel buffers fill, then the server's own buffer reaches its high-water mark
      const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
      for (const id of ids) slow.send({ id, method: "permissionProfile/list", params: {} });
      // Meanwhile another connection is served normally.
      expect((await other.request("permissionProfile/list", {})).result).toBeDefined();
      await sleep(300);
      slow.ws.resume();
      await slow.request("command/exec/terminate", { processId: "big" }, "stop");
      await eventually(() => ids.every((id) => slow.messages.some((m) => m.id === id)));
      const t = tally(slow.messages, ids);
      expect(t.answeredOnce).toBe(true);
      expect(t.ok).toBe(3);
      expect(t.overloaded).toBe(7);
      for (const e of t.errors) expect(e).toEqual(OVERLOADED);
      await Promise.all([slow.close(), other.close()]);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(process.platform !== "linux")("slow readers", () => {
  it("stdio: past --max-outbound-bytes the server stops reading input until the client catches up; nothing is lost", async () => {
    const s = new ServerProcess({ args: ["--max-outbound-bytes", String(256 * 1024), "--max-queued-requests", "10", "--log-level", "info"] });
    try {
      await s.initialize();
      s.child.stdout.pause();
      s.send({ id: "big", method: "command/exec", params: flood(4 * 1024 * 1024) });
      await sleep(300);
      const ids = Array.from({ length: 8_000 }, (_, i) => `r${i}`);
      for (const id of ids) s.send({ id, method: "permissionProfile/list", params: {} });
      await eventually(() => s.stderr.includes("pausing input"), 15_000);
      s.child.stdout.resume();
      await s.response("big");
      await eventually(() => ids.every((id) => s.messages.some((m) => m.id === id)), 30_000);
      const t = tally(s.messages, ids);
      expect(t.answeredOnce).toBe(true);
      expect(t.ok + t.overloaded).toBe(ids.length);
    } finally {
      s.kill();
      await s.exited;
    }
  }, 60_000);

  it("a WebSocket client that does not read is disconnected; the server's memory stays bounded", async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0", ["--max-outbound-bytes", String(1024 * 1024), "--log-level", "info"]);
    try {
      const pid = server.child.pid!;
      const slow = await WsClient.connect(server.url);
      await slow.initialize();
      const before = rssKiB(pid);
      slow.ws.pause();
      // 256 MiB offered: streaming output waits for the socket, so it cannot pile up...
      slow.send({ id: "big", method: "command/exec", params: flood(256 * 1024 * 1024) });
      await sleep(1500);
      // ...but answers to a request flood would: past --max-outbound-bytes the client is dropped.
      const chunk = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, method: "permissionProfile/list", params: {} }));
      for (let round = 0; round < 40 && !server.stderr.includes("is not reading"); round++) {
        for (const line of chunk) slow.ws.send(line);
        await sleep(20);
      }
      await eventually(() => server.stderr.includes("client is not reading"), 15_000);
      const peak = rssKiB(pid);
      slow.ws.resume();
      const closed = await slow.closed;
      expect(closed.code).toBe(1006); // dropped without a close handshake
      expect(peak - before).toBeLessThan(96 * 1024); // far below the 256 MiB offered
      // The server is still fine for other clients.
      const next = await WsClient.connect(server.url);
      await next.initialize();
      expect((await next.request("command/exec", exec(["printf", "ok"]), "x")).result).toMatchObject({ stdout: "ok" });
      await next.close();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
