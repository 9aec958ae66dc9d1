// Children die with the server however it dies (SIGKILL included), on pipes, under a PTY,
// sandboxed or not, with their process groups; and terminating a command also ends a
// grandchild that moved to a session of its own.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { eventually } from "../helpers/server.ts";
import { RawServer } from "../helpers/raw-server.ts";

/** Pids of live (non-zombie) processes whose argv is exactly `argv`. */
function pidsOf(argv: string[]): number[] {
  const want = argv.join("\0") + "\0";
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8") !== want) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (!stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

const tag = () => String(100_000 + Math.floor(Math.random() * 800_000));
const DANGER = { type: "dangerFullAccess" };

describe("no orphans", () => {
  it("SIGKILL of the server kills every child: pipes, PTY, sandboxed, groups and setsid grandchildren", { timeout: 60_000 }, async () => {
    const s = new RawServer();
    const t = tag();
    const sleeps = Array.from({ length: 7 }, (_, i) => ["sleep", `${t}${i}`]);
    try {
      await s.initialize();
      const run = (id: number, method: string, params: Record<string, unknown>) => s.send({ id, method, params });
      run(1, "process/spawn", { command: sleeps[0], processHandle: "a", cwd: "/tmp" });
      run(2, "process/spawn", { command: sleeps[1], processHandle: "b", cwd: "/tmp", tty: true });
      run(3, "command/exec", { command: sleeps[2], sandboxPolicy: DANGER, processId: "c", streamStdoutStderr: true });
      run(4, "command/exec", { command: ["sh", "-c", `${sleeps[3]!.join(" ")} & ${sleeps[4]!.join(" ")}`], sandboxPolicy: DANGER, processId: "d", streamStdoutStderr: true });
      run(5, "command/exec", { command: sleeps[5], sandboxPolicy: { type: "readOnly" }, processId: "e", streamStdoutStderr: true });
      run(6, "command/exec", { command: ["sh", "-c", `setsid ${sleeps[6]!.join(" ")} & sleep ${t}9`], sandboxPolicy: DANGER, processId: "f", streamStdoutStderr: true });
      await eventually(() => sleeps.every((argv) => pidsOf(argv).length === 1), 20_000);
      s.child.kill("SIGKILL");
      await s.exited;
      await eventually(() => sleeps.every((argv) => pidsOf(argv).length === 0), 10_000).catch(() => undefined);
      expect(sleeps.filter((argv) => pidsOf(argv).length > 0).map((argv) => argv.join(" "))).toEqual([]);
    } finally {
      for (const argv of [...sleeps, ["sleep", `${t}9`]]) for (const pid of pidsOf(argv)) process.kill(pid, "SIGKILL");
      await s.stop();
    }
  });

  it("command/exec/terminate also ends a grandchild that called setsid", { timeout: 30_000 }, async () => {
    const s = new RawServer();
    const t = tag();
    const grandchild = ["sleep", `${t}1`];
    try {
      await s.initialize();
      s.send({ id: 1, method: "command/exec", params: { command: ["sh", "-c", `setsid ${grandchild.join(" ")} & sleep ${t}2`], sandboxPolicy: DANGER, processId: "x", streamStdoutStderr: true } });
      await eventually(() => pidsOf(grandchild).length === 1 && pidsOf(["sleep", `${t}2`]).length === 1);
      s.send({ id: 2, method: "command/exec/terminate", params: { processId: "x" } });
      expect((await s.reply(1)).message.result.exitCode).toBe(137);
      await eventually(() => pidsOf(grandchild).length === 0, 5_000).catch(() => undefined);
      expect(pidsOf(grandchild)).toEqual([]);
    } finally {
      for (const pid of pidsOf(grandchild)) process.kill(pid, "SIGKILL");
      await s.stop();
    }
  });
});
