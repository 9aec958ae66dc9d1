// Streamed command/exec: deltas, capReached, ordering, chunking and backpressure.
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventually, exec, withServer, type Message } from "./helpers/server.ts";

const node = process.execPath.includes("deno") ? "node" : process.execPath;
const deltas = (s: { notifications(m: string, id?: string): Message[] }, id: string) =>
  s.notifications("command/exec/outputDelta", id).map((m) => m.params);

describe("streamed command/exec", () => {
  it("streams both pipes as base64 deltas and does not repeat them in the response", async () => {
    await withServer(async (s) => {
      const reply = await s.request(
        "command/exec",
        exec(["sh", "-c", "printf out; printf 'é' >&2"], { processId: "p", streamStdoutStderr: true }),
      );
      expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      expect(s.streamed("p", "stdout").toString()).toBe("out");
      expect(s.streamed("p", "stderr").toString()).toBe("é");
      for (const d of deltas(s, "p")) {
        expect(Object.keys(d).sort()).toEqual(["capReached", "deltaBase64", "processId", "stream"]);
        expect(d.capReached).toBe(false);
      }
    });
  });

  it("marks capReached only on the final delta of a stream that reached the cap", async () => {
    await withServer(async (s) => {
      // Output arrives in several reads; the cap falls inside the third one.
      const script = "printf abc; sleep 0.1; printf def; sleep 0.1; printf ghijkl; printf 12345 >&2";
      const reply = await s.request(
        "command/exec",
        exec(["sh", "-c", script], { processId: "p", streamStdoutStderr: true, outputBytesCap: 8 }),
      );
      expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      const out = deltas(s, "p").filter((d) => d.stream === "stdout");
      expect(s.streamed("p", "stdout").toString()).toBe("abcdefgh");
      expect(out.map((d) => d.capReached)).toEqual([...out.slice(1).map(() => false), true]);
      const err = deltas(s, "p").filter((d) => d.stream === "stderr");
      expect(err.every((d) => d.capReached === false)).toBe(true);
      expect(s.streamed("p", "stderr").toString()).toBe("12345");
    });
  });

  it("output exactly at the cap reaches it; cap 0 sends one empty capReached delta", async () => {
    await withServer(async (s) => {
      await s.request("command/exec", exec(["printf", "abcde"], { processId: "a", streamStdoutStderr: true, outputBytesCap: 5 }));
      expect(deltas(s, "a")).toEqual([{ processId: "a", stream: "stdout", deltaBase64: "YWJjZGU=", capReached: true }]);
      await s.request("command/exec", exec(["printf", "abcd"], { processId: "b", streamStdoutStderr: true, outputBytesCap: 5 }));
      expect(deltas(s, "b")).toEqual([{ processId: "b", stream: "stdout", deltaBase64: "YWJjZA==", capReached: false }]);
      await s.request("command/exec", exec(["printf", "abc"], { processId: "c", streamStdoutStderr: true, outputBytesCap: 0 }));
      expect(deltas(s, "c")).toEqual([{ processId: "c", stream: "stdout", deltaBase64: "", capReached: true }]);
    });
  });

  it("splits multi-byte characters across deltas byte-exactly at the cap", async () => {
    await withServer(async (s) => {
      await s.request("command/exec", exec(["printf", "aé€"], { processId: "m", streamStdoutStderr: true, outputBytesCap: 4 }));
      expect([...s.streamed("m", "stdout")]).toEqual([0x61, 0xc3, 0xa9, 0xe2]);
    });
  });

  it("stops streaming at the cap while the child runs on; terminate ends it", async () => {
    await withServer(async (s) => {
      const run = s.start(
        "command/exec",
        exec(["sh", "-c", "while :; do printf 0123456789; sleep 0.01; done"], { processId: "inf", streamStdoutStderr: true, outputBytesCap: 5 }),
      );
      await s.waitFor((m) => m.method === "command/exec/outputDelta" && m.params.capReached === true);
      expect((await s.request("command/exec/terminate", { processId: "inf" })).result).toEqual({});
      const reply = await run.reply;
      expect(reply.result.exitCode).not.toBe(0);
      expect(reply.result.stdout).toBe("");
      expect(s.streamed("inf", "stdout").toString()).toBe("01234");
    });
  });

  it("sends every delta before the final response", async () => {
    await withServer(async (s) => {
      const script = "i=0; while [ $i -lt 200 ]; do echo line-$i; echo err-$i >&2; i=$((i+1)); done";
      const reply = await s.request("command/exec", exec(["sh", "-c", script], { processId: "o", streamStdoutStderr: true }));
      const responseIndex = s.messages.indexOf(reply);
      const all = s.messages.filter((m) => m.params?.processId === "o");
      expect(all.every((m) => s.messages.indexOf(m) < responseIndex)).toBe(true);
      const lines = s.streamed("o", "stdout").toString().trim().split("\n");
      expect(lines).toHaveLength(200);
      expect(lines[199]).toBe("line-199");
    });
  });

  it("coalesces small writes and keeps deltas within 64 KiB", async () => {
    await withServer(async (s) => {
      const script = "const b = Buffer.alloc(1, 120); for (let i = 0; i < 20000; i++) require('fs').writeSync(1, b); require('fs').writeSync(1, Buffer.alloc(300000, 121));";
      await s.request("command/exec", exec([node, "-e", script], { processId: "c", streamStdoutStderr: true, disableOutputCap: true }));
      const sizes = deltas(s, "c").map((d) => Buffer.from(d.deltaBase64, "base64").length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(320_000);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
      // 20,001 writes; how many of them one read picks up varies with runtime and load
      // (the deterministic check is in output-pump.test.ts).
      expect(sizes.length).toBeLessThan(15_000);
    });
  });

  it("applies backpressure: a client that does not read stalls the child instead of growing buffers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-bp-"));
    const progress = join(dir, "progress");
    const total = 32 * 1024 * 1024;
    // Writes 64 KiB blocks synchronously and records how much the pipe accepted.
    const script = `const fs=require('fs');const b=Buffer.alloc(65536,97);let n=0;while(n<${total}){fs.writeSync(1,b);n+=b.length;fs.writeFileSync(${JSON.stringify(progress)},String(n));}`;
    await withServer(async (s) => {
      s.child.stdout.pause();
      const run = s.start("command/exec", exec([node, "-e", script], { processId: "bp", streamStdoutStderr: true, disableOutputCap: true, disableTimeout: true }));
      await eventually(() => existsSync(progress));
      // Wait until the child is stalled: progress stops moving.
      let last = -1;
      await eventually(
        () => {
          const now = Number(readFileSync(progress, "utf8") || "0");
          const stalled = now === last;
          last = now;
          return stalled;
        },
        15_000,
        300,
      );
      expect(last).toBeLessThan(8 * 1024 * 1024);
      s.child.stdout.resume();
      const reply = await run.reply;
      expect(reply.result).toEqual({ exitCode: 0, stdout: "", stderr: "" });
      expect(s.streamed("bp", "stdout").length, s.stderr).toBe(total);
    }, { args: ["--log-level", "debug"] });
  });
});
