// --listen unix://PATH: WebSocket framing over a Unix socket (handshake ws://localhost/rpc),
// socket mode 0600, stale sockets replaced, regular files and live sockets never touched.
import { spawn } from "node:child_process";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, exec } from "../helpers/server.ts";
import { ListeningServer, WsClient, httpGet, refusal, runToExit, tempDir } from "./helpers.ts";

describe.skipIf(process.platform === "win32")("unix:// listener", () => {
  it("serves WebSocket framing over the socket; the socket is mode 0600 and removed on shutdown", async () => {
    const path = join(tempDir("ref-uds-"), "app.sock");
    const server = await ListeningServer.start(`unix://${path}`);
    try {
      expect(server.url).toBe(`unix://${path}`);
      expect(server.stderr).toContain(`listening on unix://${path}`);
      const st = lstatSync(path);
      expect(st.isSocket()).toBe(true);
      expect(st.mode & 0o777).toBe(0o600);
      expect((await httpGet(server.url, "/readyz")).status).toBe(200);
      const client = await WsClient.connect(server.url);
      await client.initialize();
      expect((await client.request("command/exec", exec(["printf", "over-uds"]), "x")).result).toMatchObject({ stdout: "over-uds", exitCode: 0 });
      await client.close();
      expect((await refusal(WsClient.connect(server.url, { origin: "http://x" }))).status).toBe(403);
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
    expect(existsSync(path)).toBe(false);
  });

  it("--ws-auth applies to the Unix socket too", async () => {
    const dir = tempDir("ref-uds-auth-");
    writeFileSync(join(dir, "token"), "uds-token\n");
    const server = await ListeningServer.start(`unix://${join(dir, "a.sock")}`, ["--ws-auth", "capability-token", "--ws-token-file", join(dir, "token")]);
    try {
      expect(await refusal(WsClient.connect(server.url))).toEqual({ status: 401, body: "missing websocket bearer token" });
      const client = await WsClient.connect(server.url, { token: "uds-token" });
      await client.initialize();
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("replaces a stale socket (nobody listening)", async () => {
    const path = join(tempDir("ref-uds-stale-"), "app.sock");
    // A process that bound the path and died without cleaning up leaves a stale socket.
    const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(path)})`], { stdio: "ignore" });
    await eventually(() => existsSync(path));
    holder.kill("SIGKILL");
    await new Promise((r) => holder.once("exit", r));
    expect(lstatSync(path).isSocket()).toBe(true);
    const server = await ListeningServer.start(`unix://${path}`, ["--log-level", "info"]);
    try {
      expect(server.stderr).toContain(`replacing stale unix socket ${path}`);
      const client = await WsClient.connect(server.url);
      await client.initialize();
      await client.close();
    } finally {
      await server.stop();
    }
  });

  it("never deletes a regular file, and never steals a live socket", async () => {
    const dir = tempDir("ref-uds-keep-");
    const file = join(dir, "precious");
    writeFileSync(file, "keep me");
    const onFile = await runToExit(["--listen", `unix://${file}`]);
    expect(onFile.code).toBe(1);
    expect(onFile.stderr).toContain("exists and is not a socket");
    expect(readFileSync(file, "utf8")).toBe("keep me");

    const path = join(dir, "live.sock");
    const first = await ListeningServer.start(`unix://${path}`);
    try {
      const second = await runToExit(["--listen", `unix://${path}`]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("already in use");
      const client = await WsClient.connect(first.url);
      await client.initialize();
      await client.close();
    } finally {
      await first.stop();
    }
  });
});
