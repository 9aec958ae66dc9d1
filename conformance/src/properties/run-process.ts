// One child process run through either surface (command/exec or process/spawn), with the
// outcome reassembled the same way for both: streamed bytes with per-chunk cap flags,
// buffered text, exit code and (process/spawn) the exited cap flags.
import { Buffer } from "node:buffer";
import type { Reply, RpcClient, Notification } from "./client.ts";

export type Surface = "exec" | "process";

/** How the output cap is given: omitted, explicit null, a number, or disableOutputCap (exec only). */
export type CapChoice = { kind: "absent" } | { kind: "null" } | { kind: "number"; n: number } | { kind: "disabled" };

export interface RunSpec {
  surface: Surface;
  argv: string[];
  /** command/exec processId / process/spawn handle (exec: undefined = id-less buffered run). */
  id: string | undefined;
  streaming: boolean;
  stdin: boolean;
  /** Run under a PTY (implies stdin and output streaming). */
  tty?: boolean;
  cap: CapChoice;
  env?: Record<string, string | null>;
  cwd: string;
  timeoutMs?: number;
}

export interface Chunk {
  bytes: Buffer;
  capReached: boolean;
}

export interface StreamOutcome {
  chunks: Chunk[];
  /** Concatenated streamed bytes. */
  streamed: Buffer;
  /** The buffered text of the final response / process/exited. */
  text: string;
  /** process/exited's <stream>CapReached (undefined for command/exec). */
  capFlag: boolean | undefined;
}

export interface RunOutcome {
  exitCode: number;
  stdout: StreamOutcome;
  stderr: StreamOutcome;
  /** Notifications for the id that arrived after the final message. */
  late: Notification[];
}

export class RunFailure extends Error {}

/** The request params of a run. */
export function runParams(spec: RunSpec): Record<string, unknown> {
  const p: Record<string, unknown> = { command: spec.argv };
  if (spec.surface === "exec") {
    if (spec.id !== undefined) p.processId = spec.id;
    p.sandboxPolicy = { type: "dangerFullAccess" };
    p.cwd = spec.cwd;
  } else {
    p.processHandle = spec.id;
    p.cwd = spec.cwd;
  }
  if (spec.tty) p.tty = true;
  if (spec.streaming) p.streamStdoutStderr = true;
  if (spec.stdin) p.streamStdin = true;
  if (spec.cap.kind === "null") p.outputBytesCap = null;
  else if (spec.cap.kind === "number") p.outputBytesCap = spec.cap.n;
  else if (spec.cap.kind === "disabled") p.disableOutputCap = true;
  if (spec.env !== undefined) p.env = spec.env;
  if (spec.timeoutMs !== undefined) p.timeoutMs = spec.timeoutMs;
  return p;
}

export const SPAWN_METHOD: Record<Surface, string> = { exec: "command/exec", process: "process/spawn" };
export const WRITE_METHOD: Record<Surface, string> = { exec: "command/exec/write", process: "process/writeStdin" };
export const KILL_METHOD: Record<Surface, string> = { exec: "command/exec/terminate", process: "process/kill" };
export const RESIZE_METHOD: Record<Surface, string> = { exec: "command/exec/resize", process: "process/resizePty" };
export const DELTA_METHOD: Record<Surface, string> = { exec: "command/exec/outputDelta", process: "process/outputDelta" };
export const idField = (s: Surface) => (s === "exec" ? "processId" : "processHandle");
export const routeKey = (s: Surface, id: string) => `${s === "exec" ? "exec" : "proc"}:${id}`;

function emptyStream(): StreamOutcome {
  return { chunks: [], streamed: Buffer.alloc(0), text: "", capFlag: undefined };
}

/** A started run: write to it, wait for its outcome. */
export class Run {
  private readonly out = { stdout: emptyStream(), stderr: emptyStream() };
  private final: RunOutcome | undefined;
  private failure: Error | undefined;
  private readonly late: Notification[] = [];
  private unroute: () => void = () => undefined;
  private readonly requestId: string;
  private spawnReply: Promise<Reply> | undefined;
  private readonly waitMs: number;

  constructor(
    private readonly client: RpcClient,
    readonly spec: RunSpec,
    waitMs = 20_000,
  ) {
    this.requestId = client.freshId("spawn");
    this.waitMs = waitMs;
  }

  /** Sends the spawn; for process/spawn waits for its `{}` reply. */
  async start(): Promise<void> {
    const { client, spec } = this;
    if (spec.id !== undefined) this.unroute = client.route(routeKey(spec.surface, spec.id), (n) => this.onNotification(n));
    const reply = client.request(SPAWN_METHOD[spec.surface], runParams(spec), this.waitMs, this.requestId);
    this.spawnReply = reply;
    if (spec.surface === "exec") {
      reply.then(
        (r) => this.onExecReply(r),
        (e: Error) => {
          this.failure = e;
        },
      );
      return;
    }
    const r = await reply;
    if (r.error) {
      this.unroute();
      throw new RunFailure(`process/spawn failed: ${JSON.stringify(r.error)}`);
    }
  }

  private onNotification(n: Notification): void {
    const { spec } = this;
    if (this.final) {
      this.late.push(n);
      return;
    }
    if (n.method === DELTA_METHOD[spec.surface]) {
      const stream = n.params.stream === "stderr" ? "stderr" : "stdout";
      const bytes = Buffer.from(String(n.params.deltaBase64 ?? ""), "base64");
      const s = this.out[stream];
      s.chunks.push({ bytes, capReached: n.params.capReached === true });
      s.streamed = Buffer.concat([s.streamed, bytes]);
    } else if (spec.surface === "process" && n.method === "process/exited") {
      const p = n.params;
      this.out.stdout.text = String(p.stdout ?? "");
      this.out.stderr.text = String(p.stderr ?? "");
      this.out.stdout.capFlag = p.stdoutCapReached === true;
      this.out.stderr.capFlag = p.stderrCapReached === true;
      this.final = { exitCode: Number(p.exitCode), stdout: this.out.stdout, stderr: this.out.stderr, late: this.late };
    }
  }

  private onExecReply(r: Reply): void {
    if (r.error) {
      this.failure = new RunFailure(`command/exec failed: ${JSON.stringify(r.error)}`);
      return;
    }
    const res = (r.result ?? {}) as Record<string, unknown>;
    this.out.stdout.text = String(res.stdout ?? "");
    this.out.stderr.text = String(res.stderr ?? "");
    this.final = { exitCode: Number(res.exitCode), stdout: this.out.stdout, stderr: this.out.stderr, late: this.late };
  }

  /** Writes bytes (and/or closes stdin); resolves with the reply. */
  write(bytes: Buffer | undefined, close: boolean, timeoutMs = 10_000): Promise<Reply> {
    const { spec } = this;
    const params: Record<string, unknown> = { [idField(spec.surface)]: spec.id };
    if (bytes !== undefined) params.deltaBase64 = bytes.toString("base64");
    if (close) params.closeStdin = true;
    return this.client.request(WRITE_METHOD[spec.surface], params, timeoutMs);
  }

  kill(timeoutMs = 10_000): Promise<Reply> {
    return this.client.request(KILL_METHOD[this.spec.surface], { [idField(this.spec.surface)]: this.spec.id }, timeoutMs);
  }

  get done(): boolean {
    return this.final !== undefined || this.failure !== undefined;
  }

  /** Waits for the final response (command/exec) or process/exited (process/spawn). */
  async outcome(timeoutMs = this.waitMs): Promise<RunOutcome> {
    await this.client.waitFor(() => this.done, timeoutMs, `waiting for ${this.spec.surface === "exec" ? "the command/exec response" : "process/exited"}`);
    if (this.failure) throw this.failure;
    // Give stray notifications a moment to show up (they would break "final is last").
    this.unrouteLater();
    return this.final!;
  }

  private unrouteLater(): void {
    setTimeout(() => this.unroute(), 200).unref?.();
  }

  /** Notifications for the id that arrived after the final message. */
  get lateNotifications(): Notification[] {
    return this.late;
  }

  dispose(): void {
    this.unroute();
  }
}
