// process/* lifecycle: kill, handles (duplicates, reuse right after exit, connection
// scoping, separate from command/exec ids) and connection close.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ServerProcess, b64, eventually, exec, withServer } from "./helpers/server.ts";
import { exited, gone, notificationsFor, pidFrom, spawnParams, streamedUntil } from "./helpers/process.ts";

describe("process/kill", () => {
  it("kills the whole process group; process/exited reports the signal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-proc-kill-"));
    await withServer(async (s) => {
      const script = `echo $$ > ${dir}/leader; (sleep 5; touch ${dir}/marker) & echo $! > ${dir}/grandchild; sleep 5`;
      expect((await s.request("process/spawn", spawnParams("k", ["sh", "-c", script]))).result).toEqual({});
      const pids = [await pidFrom(dir, "leader"), await pidFrom(dir, "grandchild")];
      expect((await s.request("process/kill", { processHandle: "k" })).result).toEqual({});
      expect((await exited(s, "k")).params).toEqual({
        processHandle: "k",
        exitCode: 137,
        outputDrainTimedOut: false,
        stdout: "",
        stdoutCapReached: false,
        stderr: "",
        stderrCapReached: false,
      });
      await eventually(() => pids.every(gone));
      expect(existsSync(join(dir, "marker"))).toBe(false);
    });
  });

  it("kills a streaming process and a child that ignores SIGTERM", async () => {
    await withServer(async (s) => {
      const script = "trap '' TERM; echo ready; while :; do sleep 0.05; done";
      await s.request("process/spawn", spawnParams("k", ["sh", "-c", script], { streamStdoutStderr: true }));
      await streamedUntil(s, "k", "ready");
      expect((await s.request("process/kill", { processHandle: "k" })).result).toEqual({});
      const done = await exited(s, "k");
      expect(done.params.exitCode).toBe(137);
      expect(done.params.stdout).toBe("");
    });
  });

  it("refuses unknown handles, and handles whose process/exited was sent", async () => {
    await withServer(async (s) => {
      expect((await s.request("process/kill", { processHandle: "nope" })).error).toEqual({
        code: -32600,
        message: 'no active process for process handle "nope"',
      });
      await s.request("process/spawn", spawnParams("h", ["true"]));
      await exited(s, "h");
      expect((await s.request("process/kill", { processHandle: "h" })).error).toEqual({
        code: -32600,
        message: 'no active process for process handle "h"',
      });
    });
  });
});

describe("process handles", () => {
  it("refuses a duplicate active handle and leaves the running process alone", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("dup", ["sh", "-c", "read x; echo original:$x"], { streamStdin: true }));
      const dup = await s.request("process/spawn", spawnParams("dup", ["echo", "intruder"]));
      expect(dup.error).toEqual({ code: -32600, message: 'duplicate active process handle: "dup"' });
      await s.request("process/writeStdin", { processHandle: "dup", deltaBase64: b64("ok\n") });
      expect((await exited(s, "dup")).params).toMatchObject({ exitCode: 0, stdout: "original:ok\n" });
      expect(notificationsFor(s, "process/exited", "dup")).toHaveLength(1);
    });
  });

  it("can be reused right after its process/exited", async () => {
    await withServer(async (s) => {
      const rounds = 15;
      for (let i = 0; i < rounds; i++) {
        // Sent the moment the previous process/exited arrives, with no delay.
        const reply = await s.request("process/spawn", spawnParams("again", ["echo", `run-${i}`]));
        expect(reply.result, `round ${i}`).toEqual({});
        expect((await exited(s, "again", i)).params.stdout).toBe(`run-${i}\n`);
      }
      expect(notificationsFor(s, "process/exited", "again")).toHaveLength(rounds);
    });
  });

  it("two handles run independently; handles and command/exec ids are separate", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("a", ["sh", "-c", "read x; echo A"], { streamStdin: true }));
      await s.request("process/spawn", spawnParams("b", ["echo", "B"]));
      expect((await exited(s, "b")).params.stdout).toBe("B\n");
      const execReply = await s.request("command/exec", exec(["echo", "E"], { processId: "a" }));
      expect(execReply.result).toEqual({ exitCode: 0, stdout: "E\n", stderr: "" });
      expect((await s.request("command/exec/terminate", { processId: "a" })).error?.message).toBe(
        'no active command/exec for process id "a"',
      );
      await s.request("process/writeStdin", { processHandle: "a", closeStdin: true });
      expect((await exited(s, "a")).params.stdout).toBe("A\n");
    });
  });

  it("belong to their connection", async () => {
    await withServer(async (a) => {
      await a.request("process/spawn", spawnParams("shared", ["sleep", "30"]));
      await withServer(async (b) => {
        expect((await b.request("process/kill", { processHandle: "shared" })).error?.message).toBe(
          'no active process for process handle "shared"',
        );
        await b.request("process/spawn", spawnParams("shared", ["echo", "b"]));
        expect((await exited(b, "shared")).params.stdout).toBe("b\n");
      });
      expect((await a.request("process/kill", { processHandle: "shared" })).result).toEqual({});
      expect((await exited(a, "shared")).params.exitCode).toBe(137);
    });
  });
});

describe("connection close", () => {
  it("kills every process of the connection, pipes and PTY, with their groups", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-proc-close-"));
    const server = new ServerProcess();
    try {
      await server.initialize({ experimentalApi: true });
      const script = (name: string) =>
        `echo $$ > ${dir}/${name}-leader; (sleep 5; touch ${dir}/${name}-marker) & echo $! > ${dir}/${name}-grandchild; sleep 5`;
      await server.request("process/spawn", spawnParams("pipes", ["sh", "-c", script("pipes")], { streamStdin: true }));
      await server.request("process/spawn", spawnParams("tty", ["sh", "-c", script("tty")], { tty: true }));
      const pids: number[] = [];
      for (const name of ["pipes", "tty"]) pids.push(await pidFrom(dir, `${name}-leader`), await pidFrom(dir, `${name}-grandchild`));
      expect(await server.close()).toEqual({ code: 0, signal: null });
      await eventually(() => pids.every(gone));
      expect(existsSync(join(dir, "pipes-marker")) || existsSync(join(dir, "tty-marker"))).toBe(false);
      expect(server.messages.filter((m) => m.method === "process/exited")).toEqual([]);
    } finally {
      server.kill();
    }
  });
});
