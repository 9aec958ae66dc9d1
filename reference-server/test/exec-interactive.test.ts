// stdin streaming, PTY mode, resize and terminate.
import { describe, expect, it } from "vitest";
import { b64, exec, withServer } from "./helpers/server.ts";

describe("stdin streaming", () => {
  it("echoes written bytes through cat, closes stdin, streams both pipes", async () => {
    await withServer(async (s) => {
      const run = s.start(
        "command/exec",
        exec(["sh", "-c", "while IFS= read -r l; do echo \"out:$l\"; echo \"err:$l\" >&2; done"], {
          processId: "cat",
          streamStdin: true,
          streamStdoutStderr: true,
        }),
      );
      // Sent right after command/exec: ordering per processId guarantees it finds the process.
      expect((await s.request("command/exec/write", { processId: "cat", deltaBase64: b64("hello\n") })).result).toEqual({});
      await s.waitFor((m) => m.method === "command/exec/outputDelta" && s.streamed("cat", "stderr").toString().includes("err:hello"));
      expect((await s.request("command/exec/write", { processId: "cat", deltaBase64: b64("bye\n"), closeStdin: true })).result).toEqual({});
      const reply = await run.reply;
      expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      expect(s.streamed("cat", "stdout").toString()).toBe("out:hello\nout:bye\n");
      expect(s.streamed("cat", "stderr").toString()).toBe("err:hello\nerr:bye\n");
    });
  });

  it("buffered output with streamed stdin; closeStdin alone sends EOF", async () => {
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["cat"], { processId: "c", streamStdin: true }));
      await s.request("command/exec/write", { processId: "c", deltaBase64: b64("abc") });
      await s.request("command/exec/write", { processId: "c", deltaBase64: "" , closeStdin: false });
      await s.request("command/exec/write", { processId: "c", closeStdin: true });
      expect((await run.reply).result).toEqual({ exitCode: 0, stdout: "abc", stderr: "" });
    });
  });

  it("write errors: stdin not enabled, already closed, no payload, bad base64, unknown id", async () => {
    await withServer(async (s) => {
      const plain = s.start("command/exec", exec(["sleep", "30"], { processId: "plain" }));
      expect((await s.request("command/exec/write", { processId: "plain", deltaBase64: b64("x") })).error).toEqual({
        code: -32600,
        message: "stdin streaming is not enabled for this command/exec",
      });
      const cat = s.start("command/exec", exec(["sh", "-c", "cat; sleep 30"], { processId: "cat", streamStdin: true }));
      await s.request("command/exec/write", { processId: "cat", closeStdin: true });
      expect((await s.request("command/exec/write", { processId: "cat", deltaBase64: b64("x") })).error).toEqual({
        code: -32600,
        message: "stdin is already closed",
      });
      await s.request("command/exec/terminate", { processId: "cat" });
      expect((await cat.reply).result.exitCode).toBe(137);
      expect((await s.request("command/exec/write", { processId: "plain" })).error).toEqual({
        code: -32602,
        message: "command/exec/write requires deltaBase64 or closeStdin",
      });
      expect((await s.request("command/exec/write", { processId: "plain", deltaBase64: null, closeStdin: false })).error?.code).toBe(-32602);
      for (const [input, detail] of [
        ["!!", "Invalid symbol 33, offset 0."],
        ["YQ", "Invalid padding"],
        ["YQ=", "Invalid padding"],
        ["YR==", "Invalid last symbol 82, offset 1."],
        ["YW==", "Invalid last symbol 87, offset 1."],
        ["Y===", "Invalid symbol 61, offset 1."],
        ["YQ=a", "Invalid symbol 61, offset 2."],
        ["YWJj=", "Invalid symbol 61, offset 4."],
        ["YWJjZ", "Invalid input length: 5"],
        ["Z", "Invalid input length: 1"],
        ["YWJjZ==", "Invalid symbol 61, offset 5."],
        ["YWJj\n", "Invalid symbol 10, offset 4."],
        ["Y Q==", "Invalid symbol 32, offset 1."],
        ["é", "Invalid symbol 195, offset 0."],
      ]) {
        const reply = await s.request("command/exec/write", { processId: "nope", deltaBase64: input });
        expect(reply.error, input).toEqual({ code: -32602, message: `invalid deltaBase64: ${detail}` });
      }
      expect((await s.request("command/exec/write", { processId: "nope", deltaBase64: "YWJj" })).error).toEqual({
        code: -32600,
        message: 'no active command/exec for process id "nope"',
      });
      await s.request("command/exec/terminate", { processId: "plain" });
      expect((await plain.reply).result.exitCode).toBe(137);
    });
  });
});

describe("stdin backpressure", () => {
  it("a write the child does not read waits, without holding up terminate", async () => {
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["sleep", "30"], { processId: "stuck", streamStdin: true }));
      const big = Buffer.alloc(4 * 1024 * 1024, 120).toString("base64");
      const write = s.start("command/exec/write", { processId: "stuck", deltaBase64: big });
      const terminate = await s.request("command/exec/terminate", { processId: "stuck" });
      expect(terminate.result).toEqual({});
      expect((await run.reply).result.exitCode).toBe(137);
      // The pending write is released once the pipe breaks.
      expect((await write.reply).result).toEqual({});
      expect(s.messages.indexOf(terminate)).toBeLessThan(s.messages.indexOf(await write.reply));
    });
  });
});

describe("tty", () => {
  it("implies streaming, runs under a terminal (CRLF) and accepts writes", async () => {
    await withServer(async (s) => {
      const run = s.start(
        "command/exec",
        exec(["sh", "-c", "test -t 0 && test -t 1 && echo is-a-tty; read l; echo got:$l; echo to-stderr >&2"], { processId: "t", tty: true }),
      );
      await s.waitFor(() => s.streamed("t", "stdout").toString().includes("is-a-tty"));
      await s.request("command/exec/write", { processId: "t", deltaBase64: b64("ping\n") });
      const reply = await run.reply;
      expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      const out = s.streamed("t", "stdout").toString();
      expect(out).toContain("is-a-tty\r\n");
      expect(out).toContain("got:ping\r\n");
      expect(out).toContain("to-stderr\r\n");
      expect(s.notifications("command/exec/outputDelta", "t").every((m) => m.params.stream === "stdout")).toBe(true);
    });
  });

  it("delivers what a tty command wrote just before it exited, whole (libuv's early end-of-file)", async () => {
    // Before the master was read dry at end-of-file, 94 runs in 100 lost the tail here.
    await withServer(async (s) => {
      for (let i = 0; i < 10; i++) {
        const id = `big${i}`;
        const reply = await s.request("command/exec", exec(["sh", "-c", "head -c 30000 /dev/zero | tr '\\0' x; echo END"], { processId: id, tty: true }));
        expect(reply.result.exitCode).toBe(0);
        const out = s.streamed(id, "stdout").toString();
        expect({ length: out.length, end: out.slice(-8) }).toEqual({ length: 30_005, end: "xxxEND\r\n" });
      }
    });
  });

  it("reports exit codes like Codex's PTY backend: the status, or 1 after a signal", async () => {
    await withServer(async (s) => {
      expect((await s.request("command/exec", exec(["sh", "-c", "exit 3"], { processId: "a", tty: true }))).result.exitCode).toBe(3);
      expect((await s.request("command/exec", exec(["sh", "-c", "kill -TERM $$"], { processId: "b", tty: true }))).result.exitCode).toBe(1);
      expect((await s.request("command/exec", exec(["sleep", "5"], { processId: "c", tty: true, timeoutMs: 200 }))).result.exitCode).toBe(124);
    });
  });

  it("defaults to 24x80, honours size, and a resize is seen by stty size", async () => {
    await withServer(async (s) => {
      await s.request("command/exec", exec(["stty", "size"], { processId: "d", tty: true }));
      expect(s.streamed("d", "stdout").toString()).toBe("24 80\r\n");
      const run = s.start(
        "command/exec",
        exec(["sh", "-c", "stty size; read x; stty size"], { processId: "r", tty: true, size: { rows: 31, cols: 101 } }),
      );
      await s.waitFor(() => s.streamed("r", "stdout").toString().includes("31 101"));
      expect((await s.request("command/exec/resize", { processId: "r", size: { rows: 45, cols: 132 } })).result).toEqual({});
      await s.request("command/exec/write", { processId: "r", deltaBase64: b64("\n") });
      expect((await run.reply).result.exitCode).toBe(0);
      expect(s.streamed("r", "stdout").toString()).toContain("45 132\r\n");
    });
  });

  it("a PTY whose cwd is not a directory starts in $HOME, as Codex's PTY backend does", async () => {
    await withServer(async (s) => {
      const reply = await s.request("command/exec", exec(["pwd"], { processId: "h", tty: true, cwd: "/nonexistent-dir", env: { HOME: "/tmp" } }));
      expect(reply.result.exitCode).toBe(0);
      expect(s.streamed("h", "stdout").toString()).toBe("/tmp\r\n");
    });
  });

  it("after closeStdin, closing again or an empty delta is accepted; only bytes are refused (as Codex)", async () => {
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["sh", "-c", "cat; sleep 1"], { processId: "twice", streamStdin: true }));
      expect((await s.request("command/exec/write", { processId: "twice", closeStdin: true })).result).toEqual({});
      expect((await s.request("command/exec/write", { processId: "twice", closeStdin: true })).result).toEqual({});
      expect((await s.request("command/exec/write", { processId: "twice", deltaBase64: "" })).result).toEqual({});
      expect((await s.request("command/exec/write", { processId: "twice", deltaBase64: b64("x") })).error).toEqual({
        code: -32600,
        message: "stdin is already closed",
      });
      expect((await run.reply).result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    });
  });

  it("closeStdin on a tty sends end-of-file", async () => {
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["cat"], { processId: "c", tty: true }));
      await s.request("command/exec/write", { processId: "c", deltaBase64: b64("hi\n"), closeStdin: true });
      // cat ends on the EOF (and is not hung up: the terminal stays open until it exits).
      expect((await run.reply).result.exitCode, JSON.stringify(s.streamed("c", "stdout").toString())).toBe(0);
      expect(s.streamed("c", "stdout").toString()).toContain("hi\r\n");
    });
  });

  it("resize errors: zero size, no PTY, unknown id", async () => {
    await withServer(async (s) => {
      const plain = s.start("command/exec", exec(["sleep", "30"], { processId: "p" }));
      expect((await s.request("command/exec/resize", { processId: "p", size: { rows: 0, cols: 10 } })).error).toEqual({
        code: -32602,
        message: "command/exec size rows and cols must be greater than 0",
      });
      expect((await s.request("command/exec/resize", { processId: "p", size: { rows: 10, cols: 10 } })).error).toEqual({
        code: -32600,
        message: "failed to resize PTY: process is not attached to a PTY",
      });
      expect((await s.request("command/exec/resize", { processId: "q", size: { rows: 10, cols: 10 } })).error).toEqual({
        code: -32600,
        message: 'no active command/exec for process id "q"',
      });
      expect((await s.request("command/exec/resize", { processId: "q", size: { rows: 70000, cols: 10 } })).error).toEqual({
        code: -32600,
        message: "Invalid request: invalid value: integer `70000`, expected u16",
      });
      await s.request("command/exec/terminate", { processId: "p" });
      await plain.reply;
    });
  });
});

describe("terminate", () => {
  it("ends a tty command even when it arrives right after the spawn (before the child's setsid)", async () => {
    await withServer(async (s) => {
      for (let i = 0; i < 25; i++) {
        const run = s.start("command/exec", exec(["sleep", "30"], { processId: `early-${i}`, tty: true }));
        expect((await s.request("command/exec/terminate", { processId: `early-${i}` })).result).toEqual({});
        expect((await run.reply).result, `round ${i}`).toMatchObject({ exitCode: 1 });
      }
    });
  });

  it("answers {} at once and the exec then reports the kill (137 on pipes, 1 on a PTY, as Codex)", async () => {
    await withServer(async (s) => {
      const buffered = s.start("command/exec", exec(["sh", "-c", "echo started; sleep 30"], { processId: "b" }));
      const tty = s.start("command/exec", exec(["sh", "-c", "echo ready; sleep 30"], { processId: "t", tty: true }));
      await s.waitFor(() => s.streamed("t", "stdout").toString().includes("ready"));
      expect((await s.request("command/exec/terminate", { processId: "b" })).result).toEqual({});
      expect((await s.request("command/exec/terminate", { processId: "t" })).result).toEqual({});
      expect((await buffered.reply).result).toEqual({ exitCode: 137, stdout: "started\n", stderr: "" });
      expect((await tty.reply).result).toEqual({ exitCode: 1, stdout: "", stderr: "" });
      expect((await s.request("command/exec/terminate", { processId: "b" })).error).toEqual({
        code: -32600,
        message: 'no active command/exec for process id "b"',
      });
    });
  });
});
