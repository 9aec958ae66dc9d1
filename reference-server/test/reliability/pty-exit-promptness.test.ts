// A PTY child that exits has its process/exited sent once its output is read, not after
// the 2 s grace kept for unread terminal output (5 of 30 `echo hi` runs were ~2 s late,
// with outputDrainTimedOut false). The bound below is the grace itself: a run that takes
// that long waited for it.
import { describe, expect, it } from "vitest";
import { RawServer } from "../helpers/raw-server.ts";

const GRACE_MS = 2_000;

describe("PTY exit", () => {
  it("is reported without waiting for the output grace", { timeout: 120_000 }, async () => {
    const s = new RawServer();
    try {
      await s.initialize();
      const late: Array<[number, number]> = [];
      for (let i = 1; i <= 20; i++) {
        const started = Date.now();
        s.send({ id: i, method: "process/spawn", params: { command: ["echo", "hi"], processHandle: `h${i}`, cwd: "/tmp", tty: true } });
        const exited = await s.waitFor((l) => l.message?.method === "process/exited" && l.message.params.processHandle === `h${i}`);
        expect(exited.message.params.outputDrainTimedOut).toBe(false);
        const took = Date.now() - started;
        if (took >= GRACE_MS) late.push([i, took]);
      }
      expect(late).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});
