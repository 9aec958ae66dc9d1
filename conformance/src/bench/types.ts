// Shared vocabulary of the benchmark scenarios.
import type { Summary } from "./stats.ts";

export interface BenchOptions {
  /** Working directory handed to the server (and the commands it runs). */
  cwd: string;
  repeats: number;
  warmup: number;
  /** Measured server starts in the cold-start scenario. */
  coldStarts: number;
  streamBytes: number;
  latencyCount: number;
  concurrency: number;
  concurrentSleepMs: number;
  memoryBytes: number;
  memoryReadBytesPerSecond: number;
  /** Command line of the conformance kit's CLI, before its subcommand (the kit-speed scenario). */
  kitCommand: string[];
  log: (line: string) => void;
}

export interface Measurement {
  scenario: string;
  metric: string;
  unit: string;
  /** Which direction is better, for the ratio column. */
  better: "higher" | "lower";
  summary: Summary;
  samples: number[];
  errors: number;
  note?: string;
}

export type Scenario = (serverCommand: string, options: BenchOptions) => Promise<Measurement[]>;
