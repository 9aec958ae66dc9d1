// Many connections at once: each has its own session, processIds and processes; closing
// one kills only its own processes.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { b64, eventually, exec } from "../helpers/server.ts";
import { ListeningServer, WsClient, tempDir } from "./helpers.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return process.platform !== "linux";
  }
}

async function pidFrom(file: string): Promise<number> {
  await eventually(() => existsSync(file) && readFileSync(file, "utf8").endsWith("\n"));
  return Number(readFileSync(file, "utf8"));
}

const deltas = (client: WsClient, processId: string) =>
  Buffer.concat(
    client.messages
      .filter((m) => m.method === "command/exec/outputDelta" && m.params?.processId === processId)
      .map((m) => Buffer.from(m.params.deltaBase64 as string, "base64")),
  ).toString("utf8");

describe.each(["ws://127.0.0.1:0", "unix"])("two clients on %s", (listen) => {
  let server: ListeningServer;
  const dir = tempDir("ref-iso-");
  beforeAll(async () => {
    server = await ListeningServer.start(listen === "unix" ? `unix://${join(dir, "s.sock")}` : listen);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("use the same processId independently; closing one kills only its processes", async () => {
    const a = await WsClient.connect(server.url);
    const b = await WsClient.connect(server.url);
    await Promise.all([a.initialize(), b.initialize()]);
    const script = (name: string) => `echo $$ > ${dir}/${name}-${listen === "unix" ? "u" : "w"}; exec cat`;
    const runA = a.request("command/exec", exec(["sh", "-c", script("a")], { processId: "same", streamStdin: true, streamStdoutStderr: true }), "run");
    const runB = b.request("command/exec", exec(["sh", "-c", script("b")], { processId: "same", streamStdin: true, streamStdoutStderr: true }), "run");
    const pidA = await pidFrom(join(dir, `a-${listen === "unix" ? "u" : "w"}`));
    const pidB = await pidFrom(join(dir, `b-${listen === "unix" ? "u" : "w"}`));
    expect(pidA).not.toBe(pidB);

    // Each write reaches the writer's own process only.
    expect((await a.request("command/exec/write", { processId: "same", deltaBase64: b64("from-a\n") })).result).toEqual({});
    expect((await b.request("command/exec/write", { processId: "same", deltaBase64: b64("from-b\n") })).result).toEqual({});
    await eventually(() => deltas(a, "same") === "from-a\n" && deltas(b, "same") === "from-b\n");

    // A duplicate id is per connection.
    const dup = await a.request("command/exec", exec(["true"], { processId: "same" }));
    expect(dup.error?.message).toBe('duplicate active command/exec process id: "same"');

    // Closing A kills A's process, not B's.
    await a.close();
    await eventually(() => !alive(pidA));
    expect(alive(pidB)).toBe(true);
    expect((await b.request("command/exec/write", { processId: "same", deltaBase64: b64("still-b\n") })).result).toEqual({});
    await eventually(() => deltas(b, "same") === "from-b\nstill-b\n");
    expect((await b.request("command/exec/terminate", { processId: "same" })).result).toEqual({});
    expect((await runB).result.exitCode).toBe(137);
    await b.close();
    expect(alive(pidB)).toBe(false);
    void runA;
  });

  it("a client's requests before initialize are refused even while another client is initialized", async () => {
    const a = await WsClient.connect(server.url);
    const b = await WsClient.connect(server.url);
    await a.initialize();
    expect((await b.request("command/exec", exec(["true"]))).error).toEqual({ code: -32600, message: "Not initialized" });
    await Promise.all([a.close(), b.close()]);
  });
});

describe("shutdown", () => {
  it("SIGTERM closes every connection (1001) and kills every connection's processes", async () => {
    const dir = tempDir("ref-term-");
    const server = await ListeningServer.start("ws://127.0.0.1:0");
    const clients = [await WsClient.connect(server.url), await WsClient.connect(server.url)];
    await Promise.all(clients.map((c) => c.initialize()));
    clients.forEach((c, i) => void c.request("command/exec", exec(["sh", "-c", `echo $$ > ${dir}/${i}; exec sleep 60`], { processId: "p" }), "run"));
    const pids = [await pidFrom(join(dir, "0")), await pidFrom(join(dir, "1"))];
    expect((await server.stop()).code).toBe(0);
    for (const c of clients) expect((await c.closed).code).toBe(1001);
    await eventually(() => pids.every((pid) => !alive(pid)));
  });
});
