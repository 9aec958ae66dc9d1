// Starts a child in its own session / process group, with pipes or under a PTY, and
// exposes a uniform surface: output readables, a stdin port, exit, resize.
import type { Readable } from "node:stream";
import type { LaunchSpec, OutputStreamName } from "./types.ts";
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

export async function launch(spec: LaunchSpec): Promise<LaunchedChild> {
  return spec.io.kind === "pty" ? launchPty(spec, spec.io.rows, spec.io.cols) : launchPipes(spec, spec.io.stdin);
}

