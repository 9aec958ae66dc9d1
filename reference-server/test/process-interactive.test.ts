// process/writeStdin and process/resizePty, over pipes and under a PTY.
import { describe, expect, it } from "vitest";
import { b64, withServer } from "./helpers/server.ts";
import { NODE, exited, spawnParams, streamedBytes, streamedUntil } from "./helpers/process.ts";

const closed = { code: -32600, message: "stdin is already closed" };

describe("process/writeStdin", () => {
  it("delivers bytes in order and closes stdin after them", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("cat", ["cat"], { streamStdin: true }));
      expect((await s.request("process/writeStdin", { processHandle: "cat", deltaBase64: b64("a,") })).result).toEqual({});
      expect((await s.request("process/writeStdin", { processHandle: "cat", deltaBase64: "" })).result).toEqual({});
      expect((await s.request("process/writeStdin", { processHandle: "cat", deltaBase64: b64("b"), closeStdin: true })).result).toEqual({});
      expect((await exited(s, "cat")).params).toMatchObject({ exitCode: 0, stdout: "a,b" });
    });
  });

  it("streams a read-eval loop", async () => {
    await withServer(async (s) => {
      const script = 'echo ready; while read l; do echo "line:$l"; done';
      await s.request("process/spawn", spawnParams("rl", ["sh", "-c", script], { streamStdin: true, streamStdoutStderr: true }));
      await streamedUntil(s, "rl", "ready\n");
      await s.request("process/writeStdin", { processHandle: "rl", deltaBase64: b64("ping\n") });
      await streamedUntil(s, "rl", "line:ping\n");
      await s.request("process/writeStdin", { processHandle: "rl", closeStdin: true });
      expect((await exited(s, "rl")).params).toMatchObject({ exitCode: 0, stdout: "" });
      expect(streamedBytes(s, "rl", "stdout").toString()).toBe("ready\nline:ping\n");
    });
  });

  it("checks payload, base64, handle, streaming and closed stdin, in that order", async () => {
    await withServer(async (s) => {
      const needs = { code: -32602, message: "process/writeStdin requires deltaBase64 or closeStdin" };
      expect((await s.request("process/writeStdin", { processHandle: "nope" })).error).toEqual(needs);
      expect((await s.request("process/writeStdin", { processHandle: "nope", deltaBase64: null, closeStdin: false })).error).toEqual(needs);
      expect((await s.request("process/writeStdin", { processHandle: "nope", deltaBase64: "@@" })).error).toEqual({
        code: -32602,
        message: "invalid deltaBase64: Invalid symbol 64, offset 0.",
      });
      expect((await s.request("process/writeStdin", { processHandle: "nope", deltaBase64: "eA==" })).error).toEqual({
        code: -32600,
        message: 'no active process for process handle "nope"',
      });

      await s.request("process/spawn", spawnParams("quiet", ["sleep", "30"]));
      const notEnabled = { code: -32600, message: "stdin streaming is not enabled for this process" };
      expect((await s.request("process/writeStdin", { processHandle: "quiet", deltaBase64: "eA==" })).error).toEqual(notEnabled);
      expect((await s.request("process/writeStdin", { processHandle: "quiet", closeStdin: true })).error).toEqual(notEnabled);
      await s.request("process/kill", { processHandle: "quiet" });

      // As Codex: bytes after the close are refused; closing again or an empty delta is fine.
      await s.request("process/spawn", spawnParams("c", ["sh", "-c", "cat; sleep 30"], { streamStdin: true }));
      expect((await s.request("process/writeStdin", { processHandle: "c", closeStdin: true })).result).toEqual({});
      expect((await s.request("process/writeStdin", { processHandle: "c", deltaBase64: "eA==" })).error).toEqual(closed);
      expect((await s.request("process/writeStdin", { processHandle: "c", deltaBase64: "eA==", closeStdin: true })).error).toEqual(closed);
      expect((await s.request("process/writeStdin", { processHandle: "c", closeStdin: true })).result).toEqual({});
      expect((await s.request("process/writeStdin", { processHandle: "c", deltaBase64: "" })).result).toEqual({});
      await s.request("process/kill", { processHandle: "c" });
      expect((await exited(s, "c")).params.exitCode).toBe(137);
    });
  });

  it("gives a process without streamStdin /dev/null as stdin", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("null", ["sh", "-c", "cat; echo eof"]));
      expect((await exited(s, "null")).params).toMatchObject({ exitCode: 0, stdout: "eof\n" });
    });
  });
});

describe("PTY processes", () => {
  it("run on a terminal with the requested size (default 24x80), stderr merged into stdout", async () => {
    await withServer(async (s) => {
      const probe = "[ -t 0 ] && [ -t 1 ] && echo on-tty; stty size; echo to-stderr >&2";
      await s.request("process/spawn", spawnParams("sized", ["sh", "-c", probe], { tty: true, size: { rows: 33, cols: 99 } }));
      await s.request("process/spawn", spawnParams("default", ["sh", "-c", probe], { tty: true }));
      expect((await exited(s, "sized")).params).toMatchObject({ exitCode: 0, stdout: "", stderr: "" });
      expect(streamedBytes(s, "sized", "stdout").toString()).toBe("on-tty\r\n33 99\r\nto-stderr\r\n");
      await exited(s, "default");
      expect(streamedBytes(s, "default", "stdout").toString()).toContain("24 80");
      expect(streamedBytes(s, "default", "stderr").length).toBe(0);
    });
  });

  it("process/resizePty changes the size the child sees", async () => {
    await withServer(async (s) => {
      const script =
        "process.stdout.write('ready\\n');process.stdout.on('resize',()=>{process.stdout.write(process.stdout.rows+'x'+process.stdout.columns+'\\n');process.exit(0)});setInterval(()=>{},1000)";
      await s.request("process/spawn", spawnParams("t", [NODE, "-e", script], { tty: true, size: { rows: 20, cols: 60 } }));
      await streamedUntil(s, "t", "ready");
      expect((await s.request("process/resizePty", { processHandle: "t", size: { rows: 40, cols: 120 } })).result).toEqual({});
      expect((await exited(s, "t")).params.exitCode).toBe(0);
      expect(streamedBytes(s, "t", "stdout").toString()).toContain("40x120");
    });
  });

  it("process/resizePty checks the size, then the handle, then that it is a PTY", async () => {
    await withServer(async (s) => {
      const zero = { code: -32602, message: "process size rows and cols must be greater than 0" };
      expect((await s.request("process/resizePty", { processHandle: "nope", size: { rows: 0, cols: 5 } })).error).toEqual(zero);
      expect((await s.request("process/resizePty", { processHandle: "nope", size: { rows: 5, cols: 5 } })).error).toEqual({
        code: -32600,
        message: 'no active process for process handle "nope"',
      });
      await s.request("process/spawn", spawnParams("pipe", ["sleep", "30"], { streamStdin: true }));
      expect((await s.request("process/resizePty", { processHandle: "pipe", size: { rows: 5, cols: 5 } })).error).toEqual({
        code: -32600,
        message: "failed to resize PTY: process is not attached to a PTY",
      });
      await s.request("process/spawn", spawnParams("tty", ["sleep", "30"], { tty: true }));
      expect((await s.request("process/resizePty", { processHandle: "tty", size: { rows: 5, cols: 0 } })).error).toEqual(zero);
      await s.request("process/kill", { processHandle: "pipe" });
      await s.request("process/kill", { processHandle: "tty" });
      expect((await exited(s, "pipe")).params.exitCode).toBe(137);
      expect((await exited(s, "tty")).params.exitCode).not.toBe(0);
    });
  });

  it("writeStdin types into the terminal; closeStdin ends a pending line and sends EOF (as Codex)", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("cat", ["cat"], { tty: true }));
      // "ab" without a newline: the close must still end cat's read.
      await s.request("process/writeStdin", { processHandle: "cat", deltaBase64: b64("ab"), closeStdin: true });
      expect((await exited(s, "cat")).params.exitCode).toBe(0);
      expect(streamedBytes(s, "cat", "stdout").toString()).toBe("ab\r\nab\r\n");
      await s.request("process/spawn", spawnParams("rl", ["sh", "-c", "read x; echo got:$x; sleep 30"], { tty: true }));
      await s.request("process/writeStdin", { processHandle: "rl", deltaBase64: b64("typed\r") });
      await streamedUntil(s, "rl", "got:typed");
      expect((await s.request("process/writeStdin", { processHandle: "rl", closeStdin: true })).result).toEqual({});
      expect((await s.request("process/writeStdin", { processHandle: "rl", deltaBase64: "eA==" })).error).toEqual(closed);
      await s.request("process/kill", { processHandle: "rl" });
      await exited(s, "rl");
    });
  });
});
