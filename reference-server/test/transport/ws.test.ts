// --listen ws://: start-up, readyz/healthz, Origin refusal, capability-token auth, framing.
import { writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../helpers/server.ts";
import { ListeningServer, WsClient, httpGet, refusal, runToExit, tempDir } from "./helpers.ts";

const TOKEN = "s3cret-capability-token";

describe("ws:// start-up", () => {
  it("port 0 picks a free port; the URL is in the ready file and the stderr banner", async () => {
    const server = await ListeningServer.start("ws://127.0.0.1:0");
    try {
      expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      expect(server.stderr).toContain(`listening on ${server.url}\n`);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  });

  it("refuses a non-loopback listener without auth, and bad listen URLs", async () => {
    const open = await runToExit(["--listen", "ws://0.0.0.0:0"]);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain("refusing to start non-loopback websocket listener 0.0.0.0:0 without auth");
    const name = await runToExit(["--listen", "ws://localhost:0"]);
    expect(name.code).toBe(1);
    expect(name.stderr).toContain("invalid websocket --listen URL `ws://localhost:0`; expected `ws://IP:PORT`");
  });

  it("validates the auth flags as upstream does", async () => {
    expect((await runToExit(["--listen", "ws://127.0.0.1:0", "--ws-auth", "capability-token"])).stderr).toContain(
      "`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set",
    );
    expect((await runToExit(["--listen", "ws://127.0.0.1:0", "--ws-token-file", "/nonexistent"])).stderr).toContain(
      "websocket auth flags require `--ws-auth capability-token`",
    );
    const empty = join(tempDir("ref-tok-"), "empty");
    writeFileSync(empty, "\n");
    expect((await runToExit(["--listen", "ws://127.0.0.1:0", "--ws-auth", "capability-token", "--ws-token-file", empty])).code).toBe(1);
  });
});

describe("ws:// HTTP endpoints and Origin", () => {
  let server: ListeningServer;
  beforeAll(async () => {
    server = await ListeningServer.start("ws://127.0.0.1:0");
  });
  afterAll(async () => {
    await server.stop();
  });

  it("GET /readyz and /healthz answer 200; other plain requests 400", async () => {
    expect((await httpGet(server.url, "/readyz")).status).toBe(200);
    expect((await httpGet(server.url, "/healthz")).status).toBe(200);
    expect((await httpGet(server.url, "/")).status).toBe(400);
  });

  it("any request with an Origin header gets 403 (HTTP and upgrade)", async () => {
    expect((await httpGet(server.url, "/healthz", { origin: "https://evil.example" })).status).toBe(403);
    expect((await httpGet(server.url, "/readyz", { origin: "null" })).status).toBe(403);
    const refused = await refusal(WsClient.connect(server.url, { origin: "https://evil.example" }));
    expect(refused.status).toBe(403);
  });

  it("one JSON-RPC message per text frame; binary frames and multi-message frames are dropped", async () => {
    const client = await WsClient.connect(server.url);
    try {
      const init = { id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "1" } } };
      client.ws.send(Buffer.from(JSON.stringify(init)), { binary: true });
      client.ws.send(`${JSON.stringify(init)}\n${JSON.stringify({ ...init, id: 2 })}`);
      const reply = await client.request("initialize", init.params, 3);
      expect(reply.result.userAgent).toMatch(/^t\//);
      const run = await client.request("command/exec", exec(["printf", "hi"]), "exec");
      expect(run.result).toMatchObject({ exitCode: 0, stdout: "hi" });
      expect(client.messages.some((m) => m.id === 1 || m.id === 2)).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe("ws:// capability-token auth", () => {
  const dir = tempDir("ref-auth-");
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  let server: ListeningServer;
  beforeAll(async () => {
    server = await ListeningServer.start("ws://127.0.0.1:0", ["--ws-auth", "capability-token", "--ws-token-file", tokenFile, "--log-level", "info"]);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("a missing token is refused (401) before any message", async () => {
    const refused = await refusal(WsClient.connect(server.url));
    expect(refused).toEqual({ status: 401, body: "missing websocket bearer token" });
  });

  it("a wrong token is refused (401) before any message", async () => {
    expect(await refusal(WsClient.connect(server.url, { token: `${TOKEN}x` }))).toEqual({ status: 401, body: "invalid websocket bearer token" });
    expect(await refusal(WsClient.connect(server.url, { token: TOKEN.slice(0, -1) }))).toEqual({ status: 401, body: "invalid websocket bearer token" });
    expect(await refusal(WsClient.connect(server.url, { headers: { authorization: `Basic ${TOKEN}` } }))).toEqual({
      status: 401,
      body: "invalid authorization header",
    });
  });

  it("Origin is refused even with the right token", async () => {
    expect((await refusal(WsClient.connect(server.url, { token: TOKEN, origin: "http://localhost" }))).status).toBe(403);
  });

  it("the right token (file trimmed; scheme case-insensitive) connects and can initialize", async () => {
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { authorization: `bearer ${TOKEN}` }]) {
      const client = await WsClient.connect(server.url, { headers });
      await client.initialize();
      await client.close();
    }
    // Refused upgrades never reached the session layer.
    expect(server.stderr.match(/refused a WebSocket upgrade/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it("--ws-token-sha256 takes the token's digest instead of a file", async () => {
    const digest = createHash("sha256").update(TOKEN).digest("hex");
    const other = await ListeningServer.start("ws://127.0.0.1:0", ["--ws-auth", "capability-token", "--ws-token-sha256", digest]);
    try {
      expect((await refusal(WsClient.connect(other.url, { token: "nope" }))).status).toBe(401);
      const client = await WsClient.connect(other.url, { token: TOKEN });
      await client.initialize();
      await client.close();
    } finally {
      await other.stop();
    }
  });
});
