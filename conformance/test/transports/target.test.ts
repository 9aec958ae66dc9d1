// `--server ws://...` / `unix://...` parsing for the kit (and the --auth-token-file read).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isSocketServer, openServer, parseSocketTarget, WebSocketConnection } from "../../src/transports/index.ts";

const dir = mkdtempSync(join(tmpdir(), "asc-target-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("socket targets", () => {
  it("tells socket URLs from command lines", () => {
    expect(isSocketServer("ws://127.0.0.1:1")).toBe(true);
    expect(isSocketServer(" unix:///tmp/s.sock")).toBe(true);
    expect(isSocketServer("node dist/reference-server/src/main.js --listen ws://127.0.0.1:0")).toBe(false);
  });

  it("parses ws:// (loopback only) and unix:// targets, with a trimmed token file", () => {
    const tokenFile = join(dir, "tok");
    writeFileSync(tokenFile, "abc\n");
    expect(parseSocketTarget("ws://127.0.0.1:4500", { authTokenFile: tokenFile })).toEqual({ kind: "ws", url: "ws://127.0.0.1:4500/", token: "abc" });
    expect(parseSocketTarget("ws://[::1]:4500/rpc")).toEqual({ kind: "ws", url: "ws://[::1]:4500/rpc" });
    expect(parseSocketTarget("unix:///run/app.sock")).toEqual({ kind: "unix", path: "/run/app.sock" });
    expect(parseSocketTarget("unix://rel.sock", { cwd: "/base" })).toEqual({ kind: "unix", path: "/base/rel.sock" });
    expect(() => parseSocketTarget("ws://10.0.0.1:4500")).toThrow(/only loopback/);
    expect(() => parseSocketTarget("ws://127.0.0.1")).toThrow(/give the port/);
    expect(() => parseSocketTarget("wss://127.0.0.1:1")).toThrow(/expected ws:\/\/IP:PORT or unix:\/\/PATH/);
    expect(() => parseSocketTarget("unix://")).toThrow(/needs a socket path/);
    writeFileSync(join(dir, "empty"), " \n");
    expect(() => parseSocketTarget("ws://127.0.0.1:1", { authTokenFile: join(dir, "empty") })).toThrow(/is empty/);
  });

  it("openServer connects instead of spawning when given a target", async () => {
    const exits: unknown[] = [];
    const conn = openServer({
      argv: ["/nonexistent"],
      cwd: dir,
      env: {},
      onLine: () => undefined,
      onExit: (info) => exits.push(info),
      connect: { kind: "unix", path: join(dir, "missing.sock") },
      socket: { retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 5 } },
    });
    expect(conn).toBeInstanceOf(WebSocketConnection);
    await conn.waitExit(5_000);
    expect(conn.spawnError?.message).toMatch(/could not connect to unix:\/\/.*missing\.sock after 2 attempt\(s\): .*ENOENT/);
    expect(exits).toEqual([{ code: null, signal: null }]);
  });
});
