// Starts a child in its own session / process group, with pipes or under a PTY, and
// exposes a uniform surface: output readables, a stdin port, exit, resize.
import type { Readable } from "node:stream";
import { SpawnError, type LaunchSpec, type OutputStreamName } from "./types.ts";
import { launchPipes } from "./spawn-pipes.ts";
import { launchPty } from "./spawn-pty.ts";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | number | null;
}

export interface StdinPort {
  write(bytes: Buffer): Promise<void>;
  close(): void;
}

export interface LaunchedChild {
  readonly pid: number;
  readonly tty: boolean;
  readonly outputs: ReadonlyArray<readonly [OutputStreamName, Readable]>;
  /** `undefined` when stdin is not streamed (connected to /dev/null). */
  readonly stdin: StdinPort | undefined;
  readonly exited: Promise<ExitInfo>;
  resize(rows: number, cols: number): void;
  killGroup(): void;
}

/**
 * A NUL byte cannot reach a program (C strings end there): refuse it on pipes and PTYs
 * alike, with Codex's wording, instead of letting the PTY path cut the argument short.
 */
function checkNoNul(spec: LaunchSpec): void {
  if (spec.argv.some((arg) => arg.includes("\0"))) throw new SpawnError("nul byte found in provided data", "EINVAL");
  for (const [key, value] of Object.entries(spec.env)) {
    if (key.includes("\0") || value.includes("\0")) throw new SpawnError("data provided contains a nul byte", "EINVAL");
  }
}

export async function launch(spec: LaunchSpec): Promise<LaunchedChild> {
  checkNoNul(spec);
  return spec.io.kind === "pty" ? launchPty(spec, spec.io.rows, spec.io.cols) : launchPipes(spec, spec.io.stdin);
}

