// Per-connection state: handshake, capabilities, notification opt-outs and the
// connection's command/exec processes. Owns the outbound side of the connection.
import {
  isServerNotificationMethod,
  serverNotifications,
  formatRequestId,
  internalError,
  type WireRequestId,
  type ServerNotificationMethod,
  type WireError,
} from "../../schema/src/index.ts";
import type { ServerConfig } from "./config.ts";
import type { RunningProcess } from "./engine/types.ts";
import type { LineSink } from "./transport/stdio.ts";
import { log } from "./log.ts";
import { serializeOutgoing, type MessagePieces } from "./message-pieces.ts";

export interface ExecEntry {
  /** Undefined while the process is being spawned (the id is reserved). */
  process: RunningProcess | undefined;
  streamStdin: boolean;
  stdinClosed: boolean;
  /** Settles just after the final command/exec answer was sent and the id released. */
  finished: Promise<void>;
}

export class Session {
  initialized = false;
  experimentalApi = false;
  optOut: ReadonlySet<string> = new Set();
  readonly execs = new Map<string, ExecEntry>();
  /** Every live child of this connection, with or without a client id. */
  private readonly children = new Set<RunningProcess>();
  private closed = false;

  constructor(
    private readonly out: LineSink,
    readonly config: ServerConfig,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  private send(message: Record<string, unknown>): Promise<void> {
    if (this.closed) return Promise.resolve();
    let out: string | MessagePieces;
    try {
      out = serializeOutgoing(message);
    } catch (error) {
      // A reply that cannot be built (too large for this runtime) fails alone: its
      // request gets a clear error, every other request and connection carries on.
      const reason = error instanceof Error ? error.message : String(error);
      log("error", `cannot serialise an outgoing ${"method" in message ? String(message.method) : "reply"}: ${reason}`);
      if ("method" in message || message.id === undefined) return Promise.resolve();
      out = serializeOutgoing({ id: message.id, error: internalError(`the reply could not be built: ${reason}`) });
    }
    return this.out.send(out);
  }

  respond(id: WireRequestId, result: unknown): Promise<void> {
    return this.send({ id, result });
  }

  respondError(id: WireRequestId, error: WireError): Promise<void> {
    log("debug", `request ${formatRequestId(id)} failed: ${error.code} ${error.message}`);
    return this.send({ id, error });
  }

  /** Whether this connection receives `method` (not opted out, not experimental on a stable connection). */
  private wants(method: ServerNotificationMethod): boolean {
    if (this.optOut.has(method)) return false;
    return !(isServerNotificationMethod(method) && serverNotifications[method].stability === "experimental" && !this.experimentalApi);
  }

  /** Sends a notification unless opted out or experimental on a stable connection. */
  notify(method: ServerNotificationMethod, params: unknown): Promise<void> {
    if (!this.wants(method)) return Promise.resolve();
    return this.send({ method, params, emittedAtMs: Date.now() });
  }

  /**
   * The hot path of streaming: an output delta (`command/exec/outputDelta` or
   * `process/outputDelta`), serialized by hand. Base64 never needs JSON escaping, so the
   * up-to-64 KiB payload is not scanned by JSON.stringify; the result is the same line.
   */
  notifyOutputDelta(
    method: "command/exec/outputDelta" | "process/outputDelta",
    idField: "processId" | "processHandle",
    id: string,
    stream: "stdout" | "stderr",
    bytes: Buffer,
    capReached: boolean,
  ): Promise<void> {
    if (this.closed || !this.wants(method)) return Promise.resolve();
    const line =
      `{"method":"${method}","params":{"${idField}":${JSON.stringify(id)},"stream":"${stream}",` +
      `"deltaBase64":"${bytes.toString("base64")}","capReached":${capReached}},"emittedAtMs":${Date.now()}}`;
    return this.out.send(line);
  }

  /** Connection closed: kill every process group it started; nothing more is sent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const child of this.children) child.terminate();
  }

  /** Tracks a child until its outcome settles; one that starts after close is killed. */
  track(child: RunningProcess): void {
    if (this.closed) {
      child.terminate();
      return;
    }
    this.children.add(child);
    void child.outcome.finally(() => this.children.delete(child));
  }
}
