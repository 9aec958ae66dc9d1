// What runFixture takes and gives back: the server to judge and how, and the verdict of one
// fixture with its transcript and timings.
import type { ExitInfo, TranscriptEntry } from "../transports/server-process.ts";
import type { LaunchSpec, SocketTarget } from "../transports/index.ts";
import type { FixtureTimings } from "./timings.ts";

export interface ServerSpec {
  argv: string[];
  env: Record<string, string>;
  /**
   * Socket mode, launched: start `argv` per fixture (fresh workspace, scrubbed env) with
   * `--listen ws://127.0.0.1:0` / `unix://...` appended and connect to it.
   */
  launch?: LaunchSpec;
  /**
   * Socket mode, ad hoc: connect to this already running server; `argv` and `env` are
   * not used, and the server's cwd/env are its own (see docs/conformance.md).
   */
  connect?: SocketTarget;
}

export interface RunOptions {
  server: ServerSpec;
  probe: string[];
  timeoutMultiplier: number;
  /** Keep the workspace for inspection. */
  keepWorkspace?: boolean;
  /** The folder the fresh workspace and pid folder are made in (default: os.tmpdir()). */
  scratchDir?: string;
}

export type FixtureStatus = "pass" | "fail" | "error";

export interface Failure {
  /** Step name (explicit `name` or index), or "handshake", "protocol", "schema", "teardown". */
  step: string;
  message: string;
}

/** What the server said about itself in the initialize result. */
export interface ServerInfo {
  userAgent?: string;
  platformFamily?: string;
  platformOs?: string;
}

export interface FixtureResult {
  id: string;
  status: FixtureStatus;
  failures: Failure[];
  durationMs: number;
  stepsRun: number;
  transcript: TranscriptEntry[];
  /** What the server said about itself in the initialize result (when the kit did the handshake). */
  serverInfo?: ServerInfo;
  /** How the server (or connection) ended before the kit's teardown, if it did. */
  serverExit?: ExitInfo;
  /** Where this run's wall time went, phase by phase (docs/performance.md). */
  timings?: FixtureTimings;
  /** The fresh workspace the fixture ran in (removed unless keepWorkspace). */
  workspace?: string;
  /** The directory the probes recorded their pids in (removed). */
  pidDir?: string;
}
