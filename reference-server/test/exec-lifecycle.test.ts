// Process ids, drain deadline, and nothing left running after terminate, timeout,
// stdin EOF or SIGTERM.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ServerProcess, eventually, exec, signal, withServer } from "./helpers/server.ts";

function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** A shell that records its pid and a grandchild's pid, then would write a marker later. */
function markerScript(dir: string, delay = 3): string {
  return [
    `echo $$ > ${dir}/leader`,
    `(sleep ${delay}; touch ${dir}/marker) & echo $! > ${dir}/grandchild`,
    `echo ready`,
    `sleep ${delay}; touch ${dir}/marker-leader`,
  ].join("; ");
}

async function pids(dir: string): Promise<number[]> {
  await eventually(() => existsSync(join(dir, "grandchild")) && readFileSync(join(dir, "grandchild"), "utf8").endsWith("\n"));
  return ["leader", "grandchild"].map((f) => Number(readFileSync(join(dir, f), "utf8")));
}

async function expectAllDead(dir: string, ids: number[]): Promise<void> {
  await eventually(() => ids.every(gone));
  expect(existsSync(join(dir, "marker"))).toBe(false);
  expect(existsSync(join(dir, "marker-leader"))).toBe(false);
}

describe("process ids", () => {
  it("refuses a duplicate active id without disturbing the running process; the id is free after the response", async () => {
    await withServer(async (s) => {
      const first = s.start("command/exec", exec(["sh", "-c", "read x; echo first:$x"], { processId: "dup", streamStdin: true }));
      const dup = await s.request("command/exec", exec(["echo", "second"], { processId: "dup" }));
      expect(dup.error).toEqual({ code: -32600, message: 'duplicate active command/exec process id: "dup"' });
      await s.request("command/exec/write", { processId: "dup", deltaBase64: Buffer.from("ok\n").toString("base64") });
      expect((await first.reply).result).toEqual({ exitCode: 0, stdout: "first:ok\n", stderr: "" });
      const again = await s.request("command/exec", exec(["echo", "reused"], { processId: "dup" }));
      expect(again.result).toEqual({ exitCode: 0, stdout: "reused\n", stderr: "" });
    });
  });

  it("a failed spawn releases the id", async () => {
    await withServer(async (s) => {
      const bad = await s.request("command/exec", exec(["no-such-program-xyz"], { processId: "x" }));
      expect(bad.error?.code).toBe(-32603);
      expect((await s.request("command/exec", exec(["true"], { processId: "x" }))).result?.exitCode).toBe(0);
    });
  });

  it("ids belong to their connection", async () => {
    await withServer(async (a) => {
      const run = a.start("command/exec", exec(["sleep", "30"], { processId: "shared" }));
      await withServer(async (b) => {
        expect((await b.request("command/exec/terminate", { processId: "shared" })).error?.message).toBe(
          'no active command/exec for process id "shared"',
        );
      });
      await a.request("command/exec/terminate", { processId: "shared" });
      expect((await run.reply).result.exitCode).toBe(137);
    });
  });
});

describe("output drain after exit", () => {
  it("answers at the drain deadline when a grandchild holds the pipes, then kills it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-drain-"));
    await withServer(async (s) => {
      const started = Date.now();
      const reply = await s.request(
        "command/exec",
        exec(["sh", "-c", `echo early; (sleep 30; echo late) & echo $! > ${dir}/grandchild; exit 0`], { processId: "g" }),
      );
      const elapsed = Date.now() - started;
      expect(reply.result).toEqual({ exitCode: 0, stdout: "early\n", stderr: "" });
      expect(elapsed).toBeGreaterThanOrEqual(1_900);
      expect(elapsed).toBeLessThan(6_000);
      const grandchild = Number(readFileSync(join(dir, "grandchild"), "utf8"));
      await eventually(() => gone(grandchild));
    });
  });

  it("requests about a draining process wait for its answer, then get 'no longer running' (as Codex)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-drain2-"));
    await withServer(
      async (s) => {
        const run = s.start(
          "command/exec",
          exec(["sh", "-c", `echo $$ > ${dir}/leader; (sleep 30) & exit 0`], { processId: "d", streamStdin: true }),
        );
        await eventually(() => existsSync(join(dir, "leader")) && readFileSync(join(dir, "leader"), "utf8").endsWith("\n"));
        const leader = Number(readFileSync(join(dir, "leader"), "utf8"));
        // Reaped (not just a zombie): the server has then seen the exit.
        await eventually(() => !existsSync(`/proc/${leader}`));
        const write = s.start("command/exec/write", { processId: "d", deltaBase64: "YQ==" });
        const terminate = s.start("command/exec/terminate", { processId: "d" });
        const [done, w, t] = await Promise.all([run.reply, write.reply, terminate.reply]);
        expect(done.result.exitCode).toBe(0);
        expect(w.error).toEqual({ code: -32600, message: 'command/exec "d" is no longer running' });
        expect(t.error).toEqual({ code: -32600, message: 'no active command/exec for process id "d"' });
        const order = [done, w, t].map((m) => s.messages.indexOf(m));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      },
      { args: ["--drain-timeout-ms", "1000"] },
    );
  });
});

describe("nothing is left running", () => {
  it("terminate kills the whole process group", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-term-"));
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["sh", "-c", markerScript(dir)], { processId: "m" }));
      const ids = await pids(dir);
      await s.request("command/exec/terminate", { processId: "m" });
      expect((await run.reply).result.exitCode).toBe(137);
      await expectAllDead(dir, ids);
    });
  });

  it("a timeout kills the whole process group", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-timeout-"));
    await withServer(async (s) => {
      const run = s.start("command/exec", exec(["sh", "-c", markerScript(dir)], { timeoutMs: 500 }));
      const ids = await pids(dir);
      expect((await run.reply).result.exitCode).toBe(124);
      await expectAllDead(dir, ids);
    });
  });

  it("stdin EOF kills every child's group and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-close-"));
    const dir2 = mkdtempSync(join(tmpdir(), "ref-close2-"));
    const s = new ServerProcess();
    await s.initialize();
    s.send({ id: "a", method: "command/exec", params: exec(["sh", "-c", markerScript(dir)], { processId: "m", disableTimeout: true }) });
    s.send({ id: "b", method: "command/exec", params: exec(["sh", "-c", markerScript(dir2)], { disableTimeout: true }) });
    const ids = [...(await pids(dir)), ...(await pids(dir2))];
    expect(await s.close()).toEqual({ code: 0, signal: null });
    await expectAllDead(dir, ids);
    expect(existsSync(join(dir2, "marker"))).toBe(false);
  });

  it("SIGTERM kills every child's group and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-sigterm-"));
    const s = new ServerProcess();
    await s.initialize();
    s.send({ id: "a", method: "command/exec", params: exec(["sh", "-c", markerScript(dir)], { processId: "t", tty: true }) });
    const ids = await pids(dir);
    signal(s.child, "SIGTERM");
    expect((await s.exited).code).toBe(0);
    await expectAllDead(dir, ids);
  });
});
