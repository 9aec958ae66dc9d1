// process/spawn: the early `{}` answer, process/exited, cwd/env, spawn failures, the
// validation order, the experimental gate and experimental notifications.
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { b64, withServer } from "./helpers/server.ts";
import { EXITED_KEYS, exited, notificationsFor, spawnParams } from "./helpers/process.ts";
import { Session } from "../src/session.ts";
import { defaultConfig } from "../src/config.ts";

describe("process/spawn", () => {
  it("answers {} while the child still runs; process/exited follows with the buffered output", async () => {
    await withServer(async (s) => {
      // The child blocks on stdin until the test releases it: the answer cannot wait for exit.
      const script = "printf process-out; printf process-err >&2; read x; printf \" $x\"";
      const reply = await s.request(
        "process/spawn",
        spawnParams("p-1", ["sh", "-c", script], { streamStdin: true, outputBytesCap: null, timeoutMs: null }),
      );
      expect(reply).toEqual({ id: reply.id, result: {} });
      expect(notificationsFor(s, "process/exited", "p-1")).toEqual([]);
      expect((await s.request("process/writeStdin", { processHandle: "p-1", deltaBase64: b64("go\n") })).result).toEqual({});
      const done = await exited(s, "p-1");
      expect(done.params).toEqual({
        processHandle: "p-1",
        exitCode: 0,
        outputDrainTimedOut: false,
        stdout: "process-out go",
        stdoutCapReached: false,
        stderr: "process-err",
        stderrCapReached: false,
      });
      // Codex's key order, and a top-level emittedAtMs like every notification.
      expect(Object.keys(done.params)).toEqual(EXITED_KEYS);
      expect(typeof done.emittedAtMs).toBe("number");
      expect(s.messages.indexOf(done)).toBeGreaterThan(s.messages.indexOf(reply));
    });
  });

  it("runs in the requested absolute cwd with the server's environment plus overrides", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ref-proc-cwd-")));
    writeFileSync(join(dir, "input.txt"), "from-cwd");
    await withServer(
      async (s) => {
        await s.request(
          "process/spawn",
          spawnParams("cwd", ["sh", "-c", 'cat input.txt; echo " $(pwd) ${KEEP-unset} ${DROP-unset} $ADDED"'], {
            cwd: dir,
            env: { ADDED: "added", DROP: null },
          }),
        );
        expect((await exited(s, "cwd")).params.stdout).toBe(`from-cwd ${dir} kept unset added\n`);
      },
      { env: { KEEP: "kept", DROP: "dropped" } },
    );
  });

  it("reports exit codes, 128+N for a signal", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("three", ["sh", "-c", "exit 3"]));
      await s.request("process/spawn", spawnParams("term", ["sh", "-c", "kill -TERM $$"]));
      expect((await exited(s, "three")).params.exitCode).toBe(3);
      expect((await exited(s, "term")).params.exitCode).toBe(143);
    });
  });

  it("a failed spawn answers -32603 and frees the handle at once", async () => {
    await withServer(async (s) => {
      const missing = await s.request("process/spawn", spawnParams("h", ["/nonexistent/program-xyz"]));
      expect(missing.error).toEqual({ code: -32603, message: "failed to spawn process: No such file or directory (os error 2)" });
      const badCwd = await s.request("process/spawn", spawnParams("h", ["true"], { cwd: "/nonexistent/dir-xyz" }));
      expect(badCwd.error).toEqual({ code: -32603, message: "failed to spawn process: No such file or directory (os error 2)" });
      const notExecutable = await s.request("process/spawn", spawnParams("h", ["/etc/passwd"]));
      expect(notExecutable.error).toEqual({ code: -32603, message: "failed to spawn process: Permission denied (os error 13)" });
      expect((await s.request("process/spawn", spawnParams("h", ["echo", "reused"]))).result).toEqual({});
      expect((await exited(s, "h")).params.stdout).toBe("reused\n");
      expect(notificationsFor(s, "process/exited", "h")).toHaveLength(1);
    });
  });

  it("checks in Codex's order: local environment, command, handle, size/tty, timeout, size", async () => {
    const cases: Array<[Record<string, unknown>, { code: number; message: string }]> = [
      [{ command: [], processHandle: "", timeoutMs: -1, size: { rows: 0, cols: 0 } }, { code: -32600, message: "command must not be empty" }],
      [{ processHandle: "", timeoutMs: -1, size: { rows: 0, cols: 0 } }, { code: -32600, message: "processHandle must not be empty" }],
      [{ timeoutMs: -1, size: { rows: 3, cols: 3 } }, { code: -32602, message: "process/spawn size requires tty: true" }],
      [{ timeoutMs: -1, tty: true, size: { rows: 0, cols: 0 } }, { code: -32602, message: "process/spawn timeoutMs must be non-negative, got -1" }],
      [{ tty: true, size: { rows: 0, cols: 5 } }, { code: -32602, message: "process size rows and cols must be greater than 0" }],
      [{ tty: true, size: { rows: 5, cols: 0 } }, { code: -32602, message: "process size rows and cols must be greater than 0" }],
    ];
    await withServer(async (s) => {
      for (const [extra, error] of cases) {
        const reply = await s.request("process/spawn", spawnParams("h", ["true"], extra));
        expect(reply.error, JSON.stringify(extra)).toEqual(error);
      }
      const relative = await s.request("process/spawn", spawnParams("h", ["true"], { cwd: "relative/dir" }));
      expect(relative.error?.code).toBe(-32600);
      expect(relative.error?.message).toMatch(/^Invalid request: /);
      const noCwd = await s.request("process/spawn", { command: ["true"], processHandle: "h" });
      expect(noCwd.error).toEqual({ code: -32600, message: "Invalid request: missing field `cwd`" });
      expect(s.messages.filter((m) => m.method === "process/exited")).toEqual([]);
    });
    await withServer(
      async (s) => {
        const reply = await s.request("process/spawn", spawnParams("", [], { timeoutMs: -1 }));
        expect(reply.error).toEqual({ code: -32603, message: "local environment is not configured" });
      },
      { env: { CODEX_EXEC_SERVER_URL: "none" } },
    );
  });

  it("every process/* method needs experimentalApi", async () => {
    await withServer(
      async (s) => {
        const calls: Array<[string, Record<string, unknown>]> = [
          ["process/spawn", spawnParams("h", ["true"])],
          ["process/writeStdin", { processHandle: "h", closeStdin: true }],
          ["process/kill", { processHandle: "h" }],
          ["process/resizePty", { processHandle: "h", size: { rows: 5, cols: 5 } }],
        ];
        for (const [method, params] of calls) {
          expect((await s.request(method, params)).error).toEqual({ code: -32600, message: `${method} requires experimentalApi capability` });
        }
      },
      { capabilities: { experimentalApi: false } },
    );
  });

  it("honours optOutNotificationMethods for process notifications", async () => {
    await withServer(
      async (s) => {
        await s.request("process/spawn", spawnParams("quiet", ["echo", "hi"], { streamStdoutStderr: true }));
        await s.request("process/spawn", spawnParams("loud", ["echo", "hi"]));
        expect((await exited(s, "loud")).params.stdout).toBe("hi\n");
        expect(notificationsFor(s, "process/outputDelta", "quiet")).toEqual([]);
      },
      { capabilities: { experimentalApi: true, optOutNotificationMethods: ["process/outputDelta"] } },
    );
  });
});

describe("experimental notifications", () => {
  it("are dropped on a connection without experimentalApi; stable ones are sent", async () => {
    const lines: string[] = [];
    const session = new Session({ send: async (line) => void lines.push(String(line)), flush: async () => undefined }, defaultConfig());
    session.initialized = true;
    await session.notify("process/exited", { processHandle: "h" });
    await session.notify("process/outputDelta", { processHandle: "h" });
    await session.notify("command/exec/outputDelta", { processId: "p" });
    expect(lines.map((l) => JSON.parse(l).method)).toEqual(["command/exec/outputDelta"]);
    session.experimentalApi = true;
    await session.notify("process/exited", { processHandle: "h" });
    expect(lines.map((l) => JSON.parse(l).method)).toEqual(["command/exec/outputDelta", "process/exited"]);
  });
});
