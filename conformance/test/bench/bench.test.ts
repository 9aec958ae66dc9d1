import { describe, expect, it } from "vitest";
import { base64DecodedLength, BenchClient } from "../../src/bench/client.ts";
import { advantage, renderText } from "../../src/bench/report.ts";
import { rssSupported, treeRssBytes } from "../../src/bench/rss.ts";
import { percentile, summarize } from "../../src/bench/stats.ts";
import type { Measurement } from "../../src/bench/types.ts";
import { withReadyChild } from "./ready-child.ts";

const measurement = (median: number, better: "higher" | "lower", metric = "m"): Measurement => ({
  scenario: "s",
  metric,
  unit: "u",
  better,
  summary: summarize([median]),
  samples: [median],
  errors: 0,
});

describe("bench statistics", () => {
  it("interpolates percentiles and reports the median and relative spread", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 99)).toBeCloseTo(49.6);
    const s = summarize([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ n: 5, median: 3, min: 1, max: 5 });
    expect(s.spread).toBeCloseTo(1 / 3);
  });

  it("orients the ratio by which direction is better", () => {
    expect(advantage(measurement(200, "higher"), measurement(100, "higher"))).toBe(2);
    expect(advantage(measurement(5, "lower"), measurement(10, "lower"))).toBe(2);
    expect(advantage(measurement(10, "lower"), measurement(5, "lower"))).toBe(0.5);
    const text = renderText([
      { label: "server", command: "a", measurements: [measurement(10, "lower")] },
      { label: "vs", command: "b", measurements: [measurement(5, "lower")] },
    ]);
    expect(text).toContain("2.00x worse");
  });

  it("marks measurements that only failed as n/a with the error count", () => {
    const failed: Measurement = { ...measurement(0, "lower"), summary: summarize([]), samples: [], errors: 3 };
    expect(renderText([{ label: "server", command: "a", measurements: [failed] }])).toContain("n/a (3 errors)");
  });
});

describe.skipIf(!rssSupported())("process tree memory", () => {
  it("counts a child's memory in the tree and leaves excluded children out", async () => {
    const big = "const b = Buffer.alloc(64 * 1024 * 1024, 1); process.stdout.write('ready'); setInterval(() => b[0]++, 1000)";
    await withReadyChild(big, (pid) => {
      const withChild = treeRssBytes(process.pid);
      const without = treeRssBytes(process.pid, (p) => p === pid);
      expect(withChild - without).toBeGreaterThan(60 * 1024 * 1024);
    });
  });
});

describe("bench client", () => {
  it.each([1, 2, 7, 50])("measures output deltas without decoding them, across writes of %i bytes and every padding", async (split) => {
    // A stand-in server: answers initialize, then writes deltas of 1..6 bytes split mid-line.
    const script = `
      process.stdin.once("data", () => {
        const lines = [JSON.stringify({ id: 1, result: {} })];
        for (let n = 1; n <= 6; n++) {
          lines.push(JSON.stringify({ method: "process/outputDelta", params: { processHandle: "h" + n, deltaBase64: Buffer.alloc(n, 7).toString("base64"), capReached: false } }));
        }
        lines.push(JSON.stringify({ method: "process/exited", params: { processHandle: "h", exitCode: 0 } }));
        const text = lines.join("\\n") + "\\n";
        let i = 0;
        const next = () => { if (i < text.length) { process.stdout.write(text.slice(i, i + ${split})); i += ${split}; setImmediate(next); } };
        next();
      });
      process.stdin.resume();`;
    const client = new BenchClient([process.execPath, "-e", script], process.cwd());
    const seen: Array<[string, unknown, number]> = [];
    const exited = new Promise<void>((resolve) => {
      client.onNotification = (method, params, deltaBytes) => {
        seen.push([method, params.processHandle, deltaBytes]);
        if (method === "process/exited") resolve();
      };
    });
    await client.initialize();
    await exited;
    await client.close();
    expect(seen).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((n) => ["process/outputDelta", `h${n}`, n]),
      ["process/exited", "h", 0],
    ]);
    expect(base64DecodedLength(8, 2)).toBe(4);
  });

  it("runs the server in the environment `run` gives servers, not the shell's", async () => {
    // A stand-in server that answers initialize with the names of its environment.
    const script = `process.stdin.once("data", () => process.stdout.write(JSON.stringify({ id: 1, result: Object.keys(process.env) }) + "\\n")); process.stdin.resume();`;
    process.env.NODE_EXTRA_CA_CERTS_BENCH_TEST = "1";
    try {
      const client = new BenchClient([process.execPath, "-e", script], process.cwd());
      const names = await client.request<string[]>("initialize", {});
      await client.close();
      expect(names).toContain("PATH");
      expect(names).not.toContain("NODE_EXTRA_CA_CERTS_BENCH_TEST");
    } finally {
      delete process.env.NODE_EXTRA_CA_CERTS_BENCH_TEST;
    }
  });
});
