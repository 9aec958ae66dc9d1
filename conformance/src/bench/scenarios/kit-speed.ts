// Scenario 5: wall time of the whole conformance corpus against the server.
import { spawn } from "node:child_process";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

export async function kitSpeed(serverCommand: string, o: BenchOptions): Promise<Measurement[]> {
  const [program, ...args] = o.kitCommand;
  const start = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(program!, [...args, "--server", serverCommand], { cwd: process.cwd(), stdio: ["ignore", "ignore", "ignore"] });
    child.on("error", () => resolve(null));
    child.on("close", (c) => resolve(c));
  });
  const seconds = (performance.now() - start) / 1000;
  o.log(`  kit: ${seconds.toFixed(1)} s (exit ${code})`);
  return [
    {
      scenario: "5. kit speed",
      metric: "whole conformance corpus: wall time",
      unit: "s",
      better: "lower",
      summary: summarize([seconds]),
      samples: [seconds],
      errors: code === null ? 1 : 0,
      note: `kit exit code ${code} (non-zero: some fixtures failed against this server)`,
    },
  ];
}
