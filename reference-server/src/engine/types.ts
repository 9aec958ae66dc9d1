// The engine's vocabulary. It knows nothing about JSON-RPC: command/exec (and later
// process/*) map their params onto these types and their results out of RunOutcome.
import type { Readable } from "node:stream";

export type OutputStreamName = "stdout" | "stderr";

export type IoMode =
  | { kind: "pipes"; stdin: boolean }
  | { kind: "pty"; rows: number; cols: number };

export interface LaunchSpec {
  argv: readonly string[];
  /** Absolute working directory. */
  cwd: string;
  /** The complete child environment (nothing else is inherited). */
  env: Record<string, string>;
  io: IoMode;
}

// A started child, as the spawners (spawn-pipes.ts, spawn-pty.ts) hand it to spawn.ts: pipes
// and PTY alike. Here rather than in spawn.ts so that the spawners need not import it back.
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

export interface RunLimits {
  /** Per-stream cap in bytes; `null` means no cap. */
  outputBytesCap: number | null;
  /** Wall-clock limit; `null` means none. Expiry kills the group and reports 124. */
  timeoutMs: number | null;
  /** Deliver output through the sink instead of buffering it. */
  stream: boolean;
  /** How long to keep draining the pipes after the child exited. */
  drainTimeoutMs: number;
}

/**
 * Receives streamed output in order. The returned promise is awaited before more output
 * is read from that stream, which is how a slow client throttles the child.
 * `capReached` is true only on the final chunk of a stream that reached its cap.
 */
export type OutputSink = (stream: OutputStreamName, bytes: Buffer, capReached: boolean) => Promise<void>;

export interface RunOutcome {
  /** Exit status; 128+N for signal N; 124 when the timeout expired. */
  exitCode: number;
  timedOut: boolean;
  /** Buffered bytes as read, in order (empty for streamed output). */
  stdout: readonly Buffer[];
  stderr: readonly Buffer[];
  stdoutCapReached: boolean;
  stderrCapReached: boolean;
  /** True when the post-exit drain deadline passed before every stream reached EOF. */
  outputDrainTimedOut: boolean;
}

export interface RunningProcess {
  readonly pid: number;
  readonly tty: boolean;
  /** False once the child has exited (output may still be draining). */
  readonly running: boolean;
  /** Whether stdin accepts writes (stdin streaming on and not yet closed). */
  readonly stdinOpen: boolean;
  /** Resolves once the bytes were handed to the child's stdin (waits under backpressure). */
  writeStdin(bytes: Buffer): Promise<void>;
  closeStdin(): void;
  /** Throws an Error whose message is the failure detail. */
  resize(rows: number, cols: number): void;
  /** SIGKILL to the whole process group, and to descendants that left it while the child runs. */
  terminate(): void;
  /** Settles after exit and the output drain; never rejects. */
  readonly outcome: Promise<RunOutcome>;
}

export class SpawnError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "SpawnError";
  }
}
