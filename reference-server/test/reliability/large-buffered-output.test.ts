// Buffered output larger than a JavaScript string can hold (V8: ~512 Mi characters) must
// reach the client in one reply, like Codex 0.169.0, and never take the server down.
// Memory-heavy (the server holds the output once): kept to the sizes that reproduce.
import { describe, expect, it } from "vitest";
import { RawServer } from "../helpers/raw-server.ts";

const MiB = 1024 * 1024;

describe("large buffered output", () => {
  it("answers command/exec with 600 MiB of buffered stdout in one reply and keeps serving", { timeout: 240_000 }, async () => {
    const s = new RawServer();
    try {
      await s.initialize();
      const bytes = 600 * MiB; // "aaaa\n" x N: 5 bytes each, 6 once JSON-escaped
      s.send({
        id: 1,
        method: "command/exec",
        params: { command: ["sh", "-c", `yes aaaa | head -c ${bytes}`], sandboxPolicy: { type: "dangerFullAccess" }, disableOutputCap: true, disableTimeout: true },
      });
      const reply = await s.reply(1);
      const prefix = `{"id":1,"result":{"exitCode":0,"stdout":"`;
      const suffix = `","stderr":""}}`;
      expect(reply.head.subarray(0, prefix.length + 12).toString()).toBe(prefix + "aaaa\\naaaa\\n");
      expect(reply.tail.subarray(reply.tail.length - suffix.length - 6).toString()).toBe("aaaa\\n" + suffix);
      expect(reply.length).toBe(prefix.length + (bytes / 5) * 6 + suffix.length);
      s.send({ id: 2, method: "command/exec", params: { command: ["echo", "still here"], sandboxPolicy: { type: "dangerFullAccess" } } });
      expect((await s.reply(2)).message).toEqual({ id: 2, result: { exitCode: 0, stdout: "still here\n", stderr: "" } });
    } finally {
      await s.stop();
    }
  });

  it("sends process/exited for 100 MiB of NUL bytes (600 MiB once escaped)", { timeout: 240_000 }, async () => {
    const s = new RawServer();
    try {
      await s.initialize();
      const bytes = 100 * MiB;
      s.send({
        id: 1,
        method: "process/spawn",
        params: { command: ["head", "-c", String(bytes), "/dev/zero"], processHandle: "nul", cwd: "/tmp", outputBytesCap: null, timeoutMs: null },
      });
      expect((await s.reply(1)).message).toEqual({ id: 1, result: {} });
      const exited = await s.waitFor((l) => l.head.includes('"method":"process/exited"'));
      const prefix = `{"method":"process/exited","params":{"processHandle":"nul","exitCode":0,"outputDrainTimedOut":false,"stdout":"`;
      expect(exited.head.subarray(0, prefix.length + 12).toString()).toBe(prefix + "\\u0000\\u0000");
      expect(exited.tail.toString()).toMatch(/\\u0000","stdoutCapReached":false,"stderr":"","stderrCapReached":false},"emittedAtMs":\d+}$/);
      const suffix = exited.tail.toString().match(/","stdoutCapReached.*$/)![0];
      expect(exited.length).toBe(prefix.length + bytes * 6 + suffix.length);
      s.send({ id: 2, method: "command/exec", params: { command: ["echo", "still here"], sandboxPolicy: { type: "dangerFullAccess" } } });
      expect((await s.reply(2)).message).toEqual({ id: 2, result: { exitCode: 0, stdout: "still here\n", stderr: "" } });
    } finally {
      await s.stop();
    }
  });
});
