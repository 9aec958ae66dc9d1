// Scenario 5 drives the kit's CLI: a stand-in "kit" records each command line it is given,
// burns some CPU in a child of its own, and fails against one of the servers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cpuSupported } from "../../src/bench/cpu.ts";
import { kitSpeed } from "../../src/bench/scenarios/kit-speed.ts";
import type { BenchOptions } from "../../src/bench/types.ts";

const dir = mkdtempSync(join(tmpdir(), "bench-kit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const calls = join(dir, "calls");
const fakeKit = `
  const { appendFileSync } = require("node:fs");
  const { spawnSync } = require("node:child_process");
  const args = process.argv.slice(2);
  appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + "\\n");
  // The CPU is spent by a grandchild, as a server's commands are.
  spawnSync(process.execPath, ["-e", "const end = process.cpuUsage().user + 200000; while (process.cpuUsage().user < end);"]);
  if (args.at(-1) === "bad") console.log("FAIL bad: 1 passed, 2 failed\\nfailing: t.one, t.two\\nconformance: 1 passed, 2 failed");
  process.exit(args.at(-1) === "bad" ? 1 : 0);`;
// A file, not -e: Deno runs a script file given to its execPath as Node would.
const fakeKitFile = join(dir, "fake-kit.cjs");
writeFileSync(fakeKitFile, fakeKit);

const options = (repeats: number): BenchOptions => ({
  cwd: dir,
  repeats,
  warmup: 0,
  coldStarts: 0,
  streamBytes: 0,
  latencyCount: 0,
  concurrency: 0,
  concurrentSleepMs: 0,
  memoryBytes: 0,
  memoryReadBytesPerSecond: 0,
  kitCommand: [process.execPath, fakeKitFile],
  log: () => {},
});

describe("kit speed (scenario 5)", () => {
  it("alternates the servers run by run, runs the corpus without the properties, then the properties once each", async () => {
    const results = await kitSpeed(["good", "bad"], options(2));
    const seen = readFileSync(calls, "utf8").trim().split("\n").map((line) => JSON.parse(line) as string[]);
    expect(seen).toEqual([
      ["run", "--no-properties", "--server", "good"],
      ["run", "--no-properties", "--server", "bad"],
      ["run", "--no-properties", "--server", "good"],
      ["run", "--no-properties", "--server", "bad"],
      ["properties", "--server", "good"],
      ["properties", "--server", "bad"],
    ]);
    const [good, bad] = results;
    const corpus = good!.find((m) => m.metric.startsWith("whole corpus, no properties"))!;
    expect(corpus.samples).toHaveLength(2);
    expect(corpus.note).toBeUndefined();
    const badCorpus = bad!.find((m) => m.metric.startsWith("whole corpus, no properties"))!.note;
    expect(badCorpus).toContain("exit codes 1, 1");
    // Which fixtures failed, from the kit's own "failing:" line.
    expect(badCorpus).toContain("run 2: failing: t.one, t.two");
    expect(bad!.find((m) => m.metric.startsWith("properties"))!.note).toContain("exit codes 1");
    if (cpuSupported()) {
      // The grandchild's 200 ms count in the run's CPU time (10 ms ticks).
      const cpu = good!.find((m) => m.metric.includes("CPU time"))!;
      expect(cpu.samples).toHaveLength(2);
      for (const seconds of cpu.samples) expect(seconds).toBeGreaterThanOrEqual(0.18);
    }
  });
});
