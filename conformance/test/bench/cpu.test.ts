// CPU time of a process tree (the cold-start scenario's load-robust figure).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { cpuSupported, treeCpuMs } from "../../src/bench/cpu.ts";

describe.skipIf(!cpuSupported())("process tree CPU time", () => {
  it("counts a busy child in its parent's tree", async () => {
    const child = spawn(process.execPath, ["-e", "const end = process.cpuUsage().user + 300000; while (process.cpuUsage().user < end); process.stdout.write('done'); setInterval(() => {}, 1000)"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      await once(child.stdout, "data");
      expect(treeCpuMs(child.pid!)).toBeGreaterThanOrEqual(280);
      expect(treeCpuMs(process.pid)).toBeGreaterThanOrEqual(treeCpuMs(child.pid!));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
