// process/* output: tri-state caps and timeouts, cap flags at the boundary, streaming
// deltas before process/exited, and the post-exit drain deadline.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, withServer } from "./helpers/server.ts";
import { NODE, exited, gone, notificationsFor, pidFrom, spawnParams, streamedBytes } from "./helpers/process.ts";

/** A child that writes `n` bytes of `0123456789...` to stdout (and `m` to stderr). */
const digits = (n: number, m = 0) => [
  NODE,
  "-e",
  `const d=(k)=>Buffer.from(Array.from({length:k},(_,i)=>String(i%10)).join(''));process.stdout.write(d(${n}));process.stderr.write(d(${m}));`,
];

describe("outputBytesCap (tri-state)", () => {
  it("absent means the server default (1 MiB), null means no cap, a number is that cap", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("absent", ["head", "-c", "1048600", "/dev/zero"]));
      await s.request("process/spawn", spawnParams("null", ["head", "-c", "1100000", "/dev/zero"], { outputBytesCap: null }));
      await s.request("process/spawn", spawnParams("three", digits(10, 10), { outputBytesCap: 3 }));
      const absent = (await exited(s, "absent")).params;
      expect([absent.stdout.length, absent.stdoutCapReached]).toEqual([1_048_576, true]);
      const unlimited = (await exited(s, "null")).params;
      expect([unlimited.stdout.length, unlimited.stdoutCapReached]).toEqual([1_100_000, false]);
      const three = (await exited(s, "three")).params;
      expect(three).toMatchObject({ exitCode: 0, stdout: "012", stdoutCapReached: true, stderr: "012", stderrCapReached: true });
    });
  });

  it("absent follows the server's configured default", async () => {
    await withServer(
      async (s) => {
        await s.request("process/spawn", spawnParams("absent", digits(10)));
        await s.request("process/spawn", spawnParams("null", digits(10), { outputBytesCap: null }));
        expect((await exited(s, "absent")).params).toMatchObject({ stdout: "0123", stdoutCapReached: true });
        expect((await exited(s, "null")).params).toMatchObject({ stdout: "0123456789", stdoutCapReached: false });
      },
      { args: ["--default-output-bytes-cap", "4"] },
    );
  });

  it("flags a stream that reached its cap exactly, not one that stayed under it; per stream", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("exact", digits(8, 7), { outputBytesCap: 8 }));
      await s.request("process/spawn", spawnParams("zero", digits(10), { outputBytesCap: 0 }));
      await s.request("process/spawn", spawnParams("empty", ["true"], { outputBytesCap: 0 }));
      expect((await exited(s, "exact")).params).toMatchObject({
        stdout: "01234567",
        stdoutCapReached: true,
        stderr: "0123456",
        stderrCapReached: false,
      });
      expect((await exited(s, "zero")).params).toMatchObject({ stdout: "", stdoutCapReached: true });
      // No output at all never reaches a cap, not even 0 (as Codex).
      expect((await exited(s, "empty")).params).toMatchObject({ stdout: "", stdoutCapReached: false });
    });
  });
});

describe("streamed output", () => {
  it("sends base64 deltas, then process/exited with empty strings", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("h", ["sh", "-c", "printf out; printf 'é' >&2"], { streamStdoutStderr: true }));
      const done = await exited(s, "h");
      expect(done.params).toEqual({
        processHandle: "h",
        exitCode: 0,
        outputDrainTimedOut: false,
        stdout: "",
        stdoutCapReached: false,
        stderr: "",
        stderrCapReached: false,
      });
      expect(streamedBytes(s, "h", "stdout").toString()).toBe("out");
      expect(streamedBytes(s, "h", "stderr").toString()).toBe("é");
      for (const d of notificationsFor(s, "process/outputDelta", "h")) {
        expect(Object.keys(d.params)).toEqual(["processHandle", "stream", "deltaBase64", "capReached"]);
        expect(d.params.capReached).toBe(false);
      }
    });
  });

  it("marks capReached on the final delta of a capped stream (exactly at the cap too)", async () => {
    await withServer(async (s) => {
      await s.request("process/spawn", spawnParams("over", digits(20, 2), { streamStdoutStderr: true, outputBytesCap: 5 }));
      await s.request("process/spawn", spawnParams("exact", digits(5), { streamStdoutStderr: true, outputBytesCap: 5 }));
      await s.request("process/spawn", spawnParams("under", digits(4), { streamStdoutStderr: true, outputBytesCap: 5 }));
      await s.request("process/spawn", spawnParams("zero", digits(3), { streamStdoutStderr: true, outputBytesCap: 0 }));
      expect((await exited(s, "over")).params).toMatchObject({ stdout: "", stdoutCapReached: true, stderrCapReached: false });
      const out = notificationsFor(s, "process/outputDelta", "over").filter((m) => m.params.stream === "stdout");
      expect(out.map((m) => m.params.capReached)).toEqual([...out.slice(1).map(() => false), true]);
      expect(streamedBytes(s, "over", "stdout").toString()).toBe("01234");
      expect(streamedBytes(s, "over", "stderr").toString()).toBe("01");
      expect((await exited(s, "exact")).params.stdoutCapReached).toBe(true);
      expect(notificationsFor(s, "process/outputDelta", "exact").map((m) => m.params)).toEqual([
        { processHandle: "exact", stream: "stdout", deltaBase64: "MDEyMzQ=", capReached: true },
      ]);
      expect((await exited(s, "under")).params.stdoutCapReached).toBe(false);
      expect(notificationsFor(s, "process/outputDelta", "under").map((m) => m.params.capReached)).toEqual([false]);
      expect((await exited(s, "zero")).params.stdoutCapReached).toBe(true);
      expect(notificationsFor(s, "process/outputDelta", "zero").map((m) => m.params)).toEqual([
        { processHandle: "zero", stream: "stdout", deltaBase64: "", capReached: true },
      ]);
    });
  });

  it("writes every delta before process/exited, and nothing about the handle after it", async () => {
    await withServer(async (s) => {
      const script = "i=0; while [ $i -lt 300 ]; do echo line-$i; echo err-$i >&2; i=$((i+1)); done";
      await s.request("process/spawn", spawnParams("o", ["sh", "-c", script], { streamStdoutStderr: true }));
      const done = await exited(s, "o");
      // A later round trip: anything still in flight about "o" would have arrived by now.
      await s.request("process/kill", { processHandle: "other" });
      const about = s.messages.filter((m) => m.params?.processHandle === "o");
      expect(about.at(-1)).toBe(done);
      const lines = streamedBytes(s, "o", "stdout").toString().trim().split("\n");
      expect(lines).toHaveLength(300);
      expect(lines[299]).toBe("line-299");
    });
  });
});

describe("timeoutMs (tri-state)", () => {
  it("absent means the server default, null means none, a number is that timeout (124, partial output kept)", async () => {
    await withServer(
      async (s) => {
        const started = Date.now();
        await s.request("process/spawn", spawnParams("absent", ["sh", "-c", "echo partial; exec sleep 20"]));
        await s.request("process/spawn", spawnParams("null", ["sh", "-c", "sleep 1.2; echo done"], { timeoutMs: null }));
        await s.request("process/spawn", spawnParams("value", ["sh", "-c", "echo partial; exec sleep 20"], { timeoutMs: 500 }));
        await s.request("process/spawn", spawnParams("zero", ["sleep", "20"], { timeoutMs: 0 }));
        await s.request("process/spawn", spawnParams("long", ["sh", "-c", "sleep 1; echo done"], { timeoutMs: 5000 }));
        expect((await exited(s, "zero")).params.exitCode).toBe(124);
        expect((await exited(s, "value")).params).toMatchObject({ exitCode: 124, stdout: "partial\n" });
        expect((await exited(s, "absent")).params).toMatchObject({ exitCode: 124, stdout: "partial\n" });
        expect(Date.now() - started).toBeLessThan(5_000);
        expect((await exited(s, "null")).params).toMatchObject({ exitCode: 0, stdout: "done\n" });
        expect((await exited(s, "long")).params).toMatchObject({ exitCode: 0, stdout: "done\n" });
      },
      { args: ["--default-timeout-ms", "600"] },
    );
  });
});

describe("post-exit drain", () => {
  it("sends process/exited at the drain deadline with outputDrainTimedOut when a grandchild holds stdout, then kills it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-proc-drain-"));
    await withServer(
      async (s) => {
        const started = Date.now();
        const script = `echo parent-done; sleep 30 & echo $! > ${dir}/grandchild`;
        await s.request("process/spawn", spawnParams("d", ["sh", "-c", script]));
        const grandchild = await pidFrom(dir, "grandchild");
        const done = await exited(s, "d");
        expect(done.params).toMatchObject({ exitCode: 0, stdout: "parent-done\n", outputDrainTimedOut: true });
        expect(Date.now() - started).toBeGreaterThanOrEqual(300);
        expect(Date.now() - started).toBeLessThan(5_000);
        await eventually(() => gone(grandchild));
      },
      { args: ["--drain-timeout-ms", "300"] },
    );
  });

  it("during the drain window the handle is still active but no longer running", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-proc-drainwin-"));
    await withServer(
      async (s) => {
        const script = `echo $$ > ${dir}/leader; sleep 30 & echo $! > ${dir}/grandchild`;
        await s.request("process/spawn", spawnParams("d", ["sh", "-c", script], { streamStdin: true }));
        const leader = await pidFrom(dir, "leader");
        await pidFrom(dir, "grandchild");
        await eventually(() => gone(leader));
        // The leader is gone; the server sees it as soon as it reaps it (an empty write is a
        // harmless probe, unlike a kill that would take the grandchild down too).
        await eventually(async () => (await s.request("process/writeStdin", { processHandle: "d", deltaBase64: "" })).error !== undefined);
        const notRunning = { code: -32600, message: 'process "d" is no longer running' };
        expect((await s.request("process/kill", { processHandle: "d" })).error).toEqual(notRunning);
        expect((await s.request("process/writeStdin", { processHandle: "d", closeStdin: true })).error).toEqual(notRunning);
        expect((await s.request("process/resizePty", { processHandle: "d", size: { rows: 2, cols: 2 } })).error).toEqual(notRunning);
        expect((await s.request("process/spawn", spawnParams("d", ["true"]))).error).toEqual({
          code: -32600,
          message: 'duplicate active process handle: "d"',
        });
        expect(notificationsFor(s, "process/exited", "d")).toEqual([]);
        expect((await exited(s, "d")).params.outputDrainTimedOut).toBe(true);
      },
      { args: ["--drain-timeout-ms", "3000"] },
    );
  });
});
