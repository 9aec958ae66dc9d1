// Buffered command/exec: exit codes, timeouts, caps, decoding, cwd, env, spawn failures.
import { mkdtempSync, mkdirSync, realpathSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exec, withServer } from "./helpers/server.ts";

const node = process.execPath.includes("deno") ? "node" : process.execPath;

describe("buffered command/exec", () => {
  it("returns exit code, stdout and stderr", async () => {
    await withServer(async (s) => {
      const reply = await s.request("command/exec", exec(["sh", "-c", "printf legacy-out; printf legacy-err >&2; exit 3"]));
      expect(reply.result).toEqual({ exitCode: 3, stdout: "legacy-out", stderr: "legacy-err" });
    });
  });

  it("reports death by signal as 128+signal", async () => {
    await withServer(async (s) => {
      const term = await s.request("command/exec", exec(["sh", "-c", "kill -TERM $$"]));
      expect(term.result.exitCode).toBe(143);
      const kill = await s.request("command/exec", exec(["sh", "-c", "kill -KILL $$"]));
      expect(kill.result.exitCode).toBe(137);
    });
  });

  it("times out with exit code 124 (timeoutMs: 0 at once) and kills the group", async () => {
    await withServer(async (s) => {
      const started = Date.now();
      const zero = await s.request("command/exec", exec(["sleep", "30"], { timeoutMs: 0 }));
      expect(zero.result).toEqual({ exitCode: 124, stdout: "", stderr: "" });
      const short = await s.request("command/exec", exec(["sh", "-c", "printf before; sleep 30"], { timeoutMs: 300 }));
      expect(short.result).toEqual({ exitCode: 124, stdout: "before", stderr: "" });
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  it("applies the default timeout (configurable with --default-timeout-ms) unless disableTimeout", async () => {
    await withServer(
      async (s) => {
        const reply = await s.request("command/exec", exec(["sleep", "30"]));
        expect(reply.result.exitCode).toBe(124);
        const free = await s.request("command/exec", exec(["sh", "-c", "sleep 0.6; echo done"], { disableTimeout: true }));
        expect(free.result).toEqual({ exitCode: 0, stdout: "done\n", stderr: "" });
        const nulls = await s.request(
          "command/exec",
          exec(["sh", "-c", "sleep 0.6; echo ok"], { timeoutMs: null, disableTimeout: true, outputBytesCap: null, disableOutputCap: true }),
        );
        expect(nulls.result.stdout).toBe("ok\n");
      },
      { args: ["--default-timeout-ms", "300"] },
    );
  });

  it("caps each stream independently at outputBytesCap (below, at and above the boundary)", async () => {
    await withServer(async (s) => {
      const capped = await s.request(
        "command/exec",
        exec(["sh", "-c", "printf abcdefgh; printf uvwxyz >&2"], { outputBytesCap: 5 }),
      );
      expect(capped.result).toEqual({ exitCode: 0, stdout: "abcde", stderr: "uvwxy" });
      for (const [text, want] of [
        ["abcd", "abcd"],
        ["abcde", "abcde"],
        ["abcdef", "abcde"],
      ] as const) {
        const r = await s.request("command/exec", exec(["printf", text], { outputBytesCap: 5 }));
        expect(r.result.stdout).toBe(want);
      }
      const zero = await s.request("command/exec", exec(["printf", "abc"], { outputBytesCap: 0 }));
      expect(zero.result.stdout).toBe("");
    });
  });

  it("keeps draining past the cap so the child finishes", async () => {
    await withServer(async (s) => {
      const r = await s.request(
        "command/exec",
        exec(["sh", "-c", "head -c 3000000 /dev/zero; echo done >&2"], { outputBytesCap: 5 }),
      );
      expect(r.result).toEqual({ exitCode: 0, stdout: "\0".repeat(5), stderr: "done\n" });
    });
  });

  it("defaults to a 1 MiB cap per stream; disableOutputCap lifts it", async () => {
    await withServer(async (s) => {
      const script = "head -c 1048577 /dev/zero | tr '\\0' a";
      const def = await s.request("command/exec", exec(["sh", "-c", script]));
      expect(def.result.stdout.length).toBe(1_048_576);
      const exact = await s.request("command/exec", exec(["sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' a"]));
      expect(exact.result.stdout.length).toBe(1_048_576);
      const all = await s.request("command/exec", exec(["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a"], { disableOutputCap: true }));
      expect(all.result.stdout.length).toBe(3_000_000);
    });
  });

  it("decodes UTF-8, and falls back to a single-byte decoding when a cap splits a character", async () => {
    await withServer(async (s) => {
      const whole = await s.request("command/exec", exec(["printf", "aé€"]));
      expect(whole.result.stdout).toBe("aé€");
      const split = await s.request("command/exec", exec(["printf", "aé"], { outputBytesCap: 2 }));
      // 0x61 0xC3: not valid UTF-8, decoded byte by byte
      expect(split.result.stdout).toBe("aÃ");
      const boundary = await s.request("command/exec", exec(["printf", "aé"], { outputBytesCap: 3 }));
      expect(boundary.result.stdout).toBe("aé");
      const raw = await s.request("command/exec", exec(["printf", "a\\377b"]));
      expect(raw.result.stdout).toBe("aÿb");
    });
  });

  it("resolves cwd against the server cwd and applies env overrides (null removes)", async () => {
    const base = realpathSync(mkdtempSync(join(tmpdir(), "ref-cwd-")));
    mkdirSync(join(base, "sub"));
    await withServer(
      async (s) => {
        const rel = await s.request("command/exec", exec(["pwd"], { cwd: "sub" }));
        expect(rel.result.stdout).toBe(join(base, "sub") + "\n");
        const dflt = await s.request("command/exec", exec(["pwd"]));
        expect(dflt.result.stdout).toBe(base + "\n");
        const abs = await s.request("command/exec", exec(["pwd"], { cwd: "/" }));
        expect(abs.result.stdout).toBe("/\n");
        const env = await s.request(
          "command/exec",
          exec(["sh", "-c", 'echo "$REF_KEEP|$REF_SET|${REF_DROP-unset}|$NEW_VAR"'], {
            env: { REF_SET: "over", REF_DROP: null, NEW_VAR: "new" },
          }),
        );
        expect(env.result.stdout).toBe("keep|over|unset|new\n");
      },
      { args: ["--cwd", base], env: { REF_KEEP: "keep", REF_SET: "orig", REF_DROP: "drop" } },
    );
  });

  it("reports spawn failures with the OS error text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-spawn-"));
    const script = join(dir, "not-exec.sh");
    writeFileSync(script, "#!/bin/sh\necho hi\n");
    chmodSync(script, 0o644);
    await withServer(async (s) => {
      const missing = await s.request("command/exec", exec(["definitely-not-a-program-xyz"]));
      expect(missing.error).toEqual({ code: -32603, message: "failed to spawn command: No such file or directory (os error 2)" });
      const noCwd = await s.request("command/exec", exec(["true"], { cwd: join(dir, "missing") }));
      expect(noCwd.error).toEqual({ code: -32603, message: "failed to spawn command: No such file or directory (os error 2)" });
      const denied = await s.request("command/exec", exec([script]));
      expect(denied.error).toEqual({ code: -32603, message: "failed to spawn command: Permission denied (os error 13)" });
      expect((await s.request("command/exec", exec([""]))).error).toEqual({
        code: -32603,
        message: "failed to spawn command: missing program for pipe spawn",
      });
      expect((await s.request("command/exec", exec([""], { processId: "e", tty: true }))).error).toEqual({
        code: -32603,
        message: "failed to spawn command: missing program for PTY spawn",
      });
      const ptyMissing = await s.request("command/exec", exec(["definitely-not-a-program-xyz"], { tty: true, processId: "t" }));
      expect(ptyMissing.error).toEqual({ code: -32603, message: "failed to spawn command: No such file or directory (os error 2)" });
    });
  });

  it("runs requests concurrently", async () => {
    await withServer(async (s) => {
      const slow = s.start("command/exec", exec(["sh", "-c", "read x; echo $x"], { processId: "slow", streamStdin: true }));
      const fast = await s.request("command/exec", exec(["echo", "fast"]));
      expect(fast.result.stdout).toBe("fast\n");
      await s.request("command/exec/write", { processId: "slow", deltaBase64: Buffer.from("late\n").toString("base64") });
      expect((await slow.reply).result).toEqual({ exitCode: 0, stdout: "late\n", stderr: "" });
    });
  });

  it("runs node children", async () => {
    await withServer(async (s) => {
      const r = await s.request("command/exec", exec([node, "-e", "process.stdout.write('from node')"]));
      expect(r.result.stdout).toBe("from node");
    });
  });
});
