// The idle gate: a floor of fixtures always runs; more start only while the CPU is idle.
import { describe, expect, it } from "vitest";
import { cpuIdleSampler, IdleGate } from "../../src/runner/idle-gate.ts";

/** Runs `n` tasks of `ms` each through the gate; returns the most that ran at once. */
async function run(gate: IdleGate, n: number, ms: number, started: number[] = []): Promise<number> {
  let running = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      await gate.enter();
      running++;
      started.push(running);
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      gate.done();
    }),
  );
  gate.close();
  return peak;
}

describe("idle gate", () => {
  it("stays at the floor while the CPU is busy", async () => {
    const gate = new IdleGate({ floor: 2, ceiling: 8, intervalMs: 5, sampler: () => 0.01 });
    expect(await run(gate, 10, 40)).toBe(2);
    expect(gate.peak).toBe(2);
  });

  it("adds one fixture per idle sample, up to the ceiling", async () => {
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: () => 0.9 });
    expect(await run(gate, 12, 100)).toBe(4);
  });

  /** Idle for the first `idleSamples` samples, then `after`. */
  const phases = (idleSamples: number, after: number) => {
    let n = 0;
    return () => (n++ < idleSamples ? 0.9 : after);
  };

  it("keeps the level it reached: a fixture that ends makes room for the next, not only up to the floor", async () => {
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: phases(6, 0.04) });
    const started: number[] = [];
    await run(gate, 80, 20, started);
    // How many ran when each of the last 40 started: the level (4) still holds there.
    expect(Math.min(...started.slice(-40, -4))).toBe(4);
  });

  it("falls back to the floor while the CPU is busy", async () => {
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: phases(6, 0) });
    const started: number[] = [];
    expect(await run(gate, 80, 20, started)).toBe(4);
    expect(Math.max(...started.slice(-20))).toBe(1);
  });

  /** The samples of `pattern`, over and over. */
  const cycle = (pattern: number[]) => {
    let n = 0;
    return () => pattern[n++ % pattern.length]!;
  };

  it("goes by the mean of the latest samples: idle that comes in bursts raises the level", async () => {
    // 0% and 15% by turns, as a busy 2-core machine's 100 ms samples swing: each alone is
    // "busy" under a 5-20% band on single samples (the gate before), their mean (7.5%) idle.
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: cycle([0, 0.15]) });
    expect(await run(gate, 40, 30)).toBe(4);
  });

  it("a lone idle sample among busy ones does not raise it", async () => {
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: cycle([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25]) });
    expect(await run(gate, 20, 30)).toBe(1);
  });

  it("admits no more than the floor when the idle time is unknown", async () => {
    const gate = new IdleGate({ floor: 1, ceiling: 4, intervalMs: 5, sampler: () => undefined });
    expect(await run(gate, 4, 20)).toBe(1);
  });

  it("the CPU sampler reads a fraction between 0 and 1", async () => {
    const sample = cpuIdleSampler();
    await new Promise((r) => setTimeout(r, 50));
    const idle = sample();
    if (idle !== undefined) {
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(idle).toBeLessThanOrEqual(1);
    }
  });
});
