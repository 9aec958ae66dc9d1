// Pure parts of the transports: --listen parsing, loopback detection, bearer-token checks.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkAuthorization, loadAuth } from "../../src/transport/auth.ts";
import { isLoopback, parseListen } from "../../src/transport/listen.ts";
import { tempDir } from "./helpers.ts";

describe("--listen", () => {
  it("parses stdio, ws://IP:PORT and unix://PATH", () => {
    expect(parseListen("stdio://")).toEqual({ kind: "stdio" });
    expect(parseListen("ws://127.0.0.1:0")).toEqual({ kind: "ws", host: "127.0.0.1", port: 0 });
    expect(parseListen("ws://[::1]:8080")).toEqual({ kind: "ws", host: "::1", port: 8080 });
    expect(parseListen("unix:///tmp/a.sock")).toEqual({ kind: "unix", path: "/tmp/a.sock" });
    expect(parseListen("unix://rel.sock", "/base")).toEqual({ kind: "unix", path: "/base/rel.sock" });
  });
  it("rejects host names, bad ports, a missing unix path and unknown schemes", () => {
    for (const bad of ["ws://localhost:1", "ws://127.0.0.1", "ws://127.0.0.1:70000", "ws://::1:80", "unix://", "http://127.0.0.1:1", "off"]) {
      expect(() => parseListen(bad), bad).toThrow();
    }
  });
  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "10.0.0.1", "::", "192.168.1.1", "::ffff:10.0.0.1"]) expect(isLoopback(h), h).toBe(false);
  });
});

describe("capability-token auth", () => {
  const file = join(tempDir("ref-auth-unit-"), "tok");
  writeFileSync(file, "  tok-123\n");
  const auth = loadAuth({ wsAuth: "capability-token", wsTokenFile: file })!;

  it("keeps only the digest of the trimmed token", () => {
    expect(auth.digest.equals(createHash("sha256").update("tok-123").digest())).toBe(true);
  });
  it("checks the bearer header", () => {
    expect(checkAuthorization(auth, "Bearer tok-123")).toEqual({ ok: true });
    expect(checkAuthorization(auth, "BEARER   tok-123 ")).toEqual({ ok: true });
    expect(checkAuthorization(auth, undefined)).toEqual({ ok: false, status: 401, message: "missing websocket bearer token" });
    expect(checkAuthorization(auth, "Bearer tok-12")).toEqual({ ok: false, status: 401, message: "invalid websocket bearer token" });
    expect(checkAuthorization(auth, "Bearer tok-1234")).toEqual({ ok: false, status: 401, message: "invalid websocket bearer token" });
    expect(checkAuthorization(auth, "tok-123")).toEqual({ ok: false, status: 401, message: "invalid authorization header" });
    expect(checkAuthorization(undefined, undefined)).toEqual({ ok: true });
  });
  it("validates flag combinations", () => {
    expect(loadAuth({})).toBeUndefined();
    expect(() => loadAuth({ wsTokenFile: file })).toThrow(/require `--ws-auth capability-token`/);
    expect(() => loadAuth({ wsAuth: "capability-token" })).toThrow(/is required/);
    expect(() => loadAuth({ wsAuth: "capability-token", wsTokenFile: file, wsTokenSha256: "a".repeat(64) })).toThrow(/only one/);
    expect(() => loadAuth({ wsAuth: "capability-token", wsTokenSha256: "xyz" })).toThrow(/64 hex digits/);
    expect(() => loadAuth({ wsAuth: "signed-bearer-token" })).toThrow(/not supported/);
    expect(loadAuth({ wsAuth: "capability-token", wsTokenSha256: "AB".repeat(32) })?.digest.length).toBe(32);
  });
});
