// CPU time of a process tree (the cold-start scenario's load-robust figure).
import { describe, expect, it } from "vitest";
import { cpuSupported, treeCpuMs } from "../../src/bench/cpu.ts";
import { withReadyChild } from "./ready-child.ts";

describe.skipIf(!cpuSupported())("process tree CPU time", () => {
  it("counts a busy child in its parent's tree", async () => {
    const busy = "const end = process.cpuUsage().user + 300000; while (process.cpuUsage().user < end); process.stdout.write('done'); setInterval(() => {}, 1000)";
    await withReadyChild(busy, (pid) => {
      expect(treeCpuMs(pid)).toBeGreaterThanOrEqual(280);
      expect(treeCpuMs(process.pid)).toBeGreaterThanOrEqual(treeCpuMs(pid));
    });
  });
});
