// Transport and session: framing, handshake, error precedence, experimental gate, opt-outs.
import { describe, expect, it } from "vitest";
import { ServerProcess, exec, signal, withServer } from "./helpers/server.ts";

const clientInfo = { name: "ref-test", version: "1.0" };

describe("handshake", () => {
  it("initialize reports userAgent, codexHome and platform", async () => {
    await withServer(
      async (s) => {
        const reply = await s.request("initialize", { clientInfo, capabilities: null });
        expect(reply.result.userAgent.startsWith("ref-test/")).toBe(true);
        expect(reply.result.codexHome).toBe("/tmp/some-codex-home");
        expect(reply.result.platformFamily).toBe("unix");
        expect(reply.result.platformOs).toBe(process.platform === "darwin" ? "macos" : process.platform);
        expect(reply).not.toHaveProperty("jsonrpc");
      },
      { init: false, env: { CODEX_HOME: "/tmp/some-codex-home" } },
    );
  });

  it("--codex-home overrides CODEX_HOME; the default is ~/.codex", async () => {
    await withServer(
      async (s) => {
        const reply = await s.request("initialize", { clientInfo });
        expect(reply.result.codexHome).toBe("/srv/home");
      },
      { init: false, args: ["--codex-home", "/srv/home"], env: { CODEX_HOME: "/tmp/x" } },
    );
    await withServer(
      async (s) => {
        const reply = await s.request("initialize", { clientInfo });
        expect(reply.result.codexHome).toBe("/home/someone/.codex");
      },
      { init: false, env: { CODEX_HOME: "", HOME: "/home/someone" } },
    );
  });

  it("requests before initialize get Not initialized; a second initialize gets Already initialized", async () => {
    await withServer(
      async (s) => {
        const early = await s.request("command/exec", exec(["true"]));
        expect(early.error).toEqual({ code: -32600, message: "Not initialized" });
        expect((await s.request("initialize", { clientInfo })).result).toBeDefined();
        const again = await s.request("initialize", { clientInfo });
        expect(again.error).toEqual({ code: -32600, message: "Already initialized" });
      },
      { init: false },
    );
  });

  it("parse errors come before Not initialized", async () => {
    await withServer(
      async (s) => {
        expect((await s.request("command/exec", {})).error).toEqual({
          code: -32600,
          message: "Invalid request: missing field `command`",
        });
        expect((await s.request("command/exec")).error).toEqual({
          code: -32600,
          message: "Invalid request: missing field `params`",
        });
        s.send({ id: "null-params", method: "command/exec", params: null });
        expect((await s.response("null-params")).error?.message).toBe("Invalid request: missing field `params`");
        const unknown = await s.request("bogus/method", {});
        expect(unknown.error?.code).toBe(-32600);
        expect(unknown.error?.message).toMatch(/^Invalid request: unknown variant `bogus\/method`, expected one of /);
        expect((await s.request("command/exec", exec(["true"]))).error?.message).toBe("Not initialized");
      },
      { init: false },
    );
  });

  it("rejects a clientInfo.name that is not a valid header value", async () => {
    await withServer(
      async (s) => {
        const reply = await s.request("initialize", { clientInfo: { name: "a\u0001b", version: "1" } });
        expect(reply.error).toEqual({
          code: -32600,
          message: "Invalid clientInfo.name: 'a\u0001b'. Must be a valid HTTP header value.",
        });
        expect((await s.request("initialize", { clientInfo: { name: "é", version: "1" } })).result).toBeDefined();
      },
      { init: false },
    );
  });
});

describe("framing", () => {
  it("echoes ids with their JSON type and writes compact single-line JSON", async () => {
    await withServer(async (s) => {
      const str = await s.request("command/exec", exec(["true"]), "abc");
      expect(str.id).toBe("abc");
      const num = await s.request("command/exec", exec(["true"]), 42);
      expect(num.id).toBe(42);
      for (const line of s.rawLines) expect(line).toBe(JSON.stringify(JSON.parse(line)));
    });
  });

  it("drops lines that are not messages and ids that are not string/integer; the connection goes on", async () => {
    await withServer(async (s) => {
      s.sendRaw("this is not json");
      s.sendRaw("[1,2,3]");
      s.sendRaw('{"id":1.5,"method":"command/exec","params":{}}');
      s.sendRaw('{"id":null,"method":"command/exec","params":{}}');
      s.sendRaw('{"id":{"x":1},"method":"command/exec","params":{}}');
      s.sendRaw('{"method":"initialized"}');
      s.sendRaw('{"id":99,"result":{}}');
      const after = await s.request("command/exec", exec(["true"]), "after");
      expect(after.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      // Only the initialize reply and this one were answered.
      expect(s.messages.filter((m) => m.method === undefined).map((m) => m.id)).toEqual([1, "after"]);
      expect(s.stderr).toContain("not JSON");
    });
  });

  it("ignores a jsonrpc member and accepts CRLF line ends", async () => {
    await withServer(async (s) => {
      s.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: "x", method: "command/exec", params: exec(["true"]) }) + "\r\n");
      expect((await s.response("x")).result?.exitCode).toBe(0);
    });
  });
});

describe("experimental gate", () => {
  it("refuses an experimental field or method without the capability, before semantic checks", async () => {
    await withServer(
      async (s) => {
        const field = await s.request("command/exec", { command: [], permissionProfile: ":read-only", timeoutMs: -1 });
        expect(field.error).toEqual({
          code: -32600,
          message: "command/exec.permissionProfile requires experimentalApi capability",
        });
        expect(field.error).not.toHaveProperty("data");
        const method = await s.request("process/spawn", { command: ["true"], processHandle: "h", cwd: "/tmp" });
        expect(method.error).toEqual({ code: -32600, message: "process/spawn requires experimentalApi capability" });
        // null counts as unused
        const nulled = await s.request("command/exec", exec(["true"], { permissionProfile: null }));
        expect(nulled.result?.exitCode).toBe(0);
      },
      { capabilities: null },
    );
  });

  it("with experimentalApi the field reaches permission resolution", async () => {
    await withServer(async (s) => {
      const reply = await s.request("command/exec", { command: ["true"], permissionProfile: ":danger-full-access" });
      expect(reply.result?.exitCode).toBe(0);
    });
  });
});

describe("notifications", () => {
  it("carry emittedAtMs and honour optOutNotificationMethods", async () => {
    await withServer(async (s) => {
      const before = Date.now();
      await s.request("command/exec", exec(["printf", "x"], { processId: "p", streamStdoutStderr: true }));
      const [delta] = s.notifications("command/exec/outputDelta", "p");
      expect(delta?.emittedAtMs).toBeGreaterThanOrEqual(before - 1000);
      expect(delta).not.toHaveProperty("id");
    });
    await withServer(
      async (s) => {
        const reply = await s.request("command/exec", exec(["printf", "x"], { processId: "p", streamStdoutStderr: true }));
        expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
        expect(s.notifications("command/exec/outputDelta")).toEqual([]);
      },
      { capabilities: { optOutNotificationMethods: ["command/exec/outputDelta"] } },
    );
  });
});

describe("permissionProfile/list", () => {
  it("lists the built-in profiles", async () => {
    await withServer(async (s) => {
      const reply = await s.request("permissionProfile/list", {});
      expect(reply.result).toEqual({
        data: [
          { id: ":read-only", description: null, allowed: true },
          { id: ":workspace", description: null, allowed: true },
          { id: ":danger-full-access", description: null, allowed: true },
        ],
        nextCursor: null,
      });
      const page = await s.request("permissionProfile/list", { limit: 2 });
      expect(page.result.nextCursor).toBe("2");
      const rest = await s.request("permissionProfile/list", { cursor: "2" });
      expect(rest.result.data.map((p: { id: string }) => p.id)).toEqual([":danger-full-access"]);
    });
  });
});

describe("shutdown", () => {
  it("exits 0 on stdin EOF", async () => {
    const s = new ServerProcess();
    await s.initialize();
    expect(await s.close()).toEqual({ code: 0, signal: null });
  });

  it("exits 0 on SIGTERM", async () => {
    const s = new ServerProcess();
    await s.initialize();
    signal(s.child, "SIGTERM");
    expect((await s.exited).code).toBe(0);
  });

  it("--help describes the options", async () => {
    const s = new ServerProcess({ args: ["--help"] });
    let out = "";
    s.child.stdout.removeAllListeners("data");
    s.child.stdout.on("data", (c: string) => (out += c));
    expect((await s.exited).code).toBe(0);
    for (const flag of ["--codex-home", "--cwd", "--log-level", "--default-timeout-ms", "--drain-timeout-ms"]) {
      expect(out).toContain(flag);
    }
  });
});

