// One client connection, whatever carries it (stdio, WebSocket, WebSocket over a Unix
// socket): its own Session (handshake state, processes, ids) and Dispatcher, a bounded
// queue of requests waiting for the transport, and the slow-reader policy.
//
// Flow control, as upstream (codex-app-server-protocol §1.3): requests are dispatched in
// arrival order while the transport can take output. Once the outbound side is above its
// high-water mark, incoming requests wait in a queue of `maxQueuedRequests`; a request
// that finds the queue full is answered at once with -32001 `Server overloaded; retry
// later.`. Output a client does not read is bounded by `maxOutboundBytes`: past it a
// disconnectable transport (WebSocket) drops the connection, stdio stops reading input
// until the peer catches up.
import { formatRequestId, parseLine, serializeMessage } from "../../../schema/src/index.ts";
import type { ServerConfig } from "../config.ts";
import { Dispatcher } from "../dispatch.ts";
import { log } from "../log.ts";
import { Session } from "../session.ts";
import type { LineSink, OutboundPort } from "./stdio.ts";

export const OVERLOADED_CODE = -32001;
export const OVERLOADED_MESSAGE = "Server overloaded; retry later.";

export interface ConnectionLimits {
  /** Requests that may wait for the transport before new ones are refused with -32001. */
  maxQueuedRequests: number;
  /** Unsent output bytes a connection may hold before the slow-reader policy applies. */
  maxOutboundBytes: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  maxQueuedRequests: 128,
  maxOutboundBytes: 16 * 1024 * 1024,
};

export interface ConnectionHooks {
  /** What to do when the client does not read: "disconnect" (WebSocket) or "pause-input" (stdio). */
  slowReader: "disconnect" | "pause-input";
  /** Ends the transport (server side). Called at most once. */
  disconnect?(reason: string): void;
  pauseInput?(): void;
  resumeInput?(): void;
}

export class Connection {
  readonly session: Session;
  private readonly dispatcher: Dispatcher;
  /** Request lines waiting for the transport to become writable again (bounded). */
  private readonly queue: string[] = [];
  private pumping = false;
  private inputPaused = false;
  private dropped = false;

  constructor(
    readonly label: string,
    private readonly port: OutboundPort,
    config: ServerConfig,
    private readonly limits: ConnectionLimits,
    private readonly hooks: ConnectionHooks,
  ) {
    const sink: LineSink = {
      send: (line) => this.write(line),
      flush: () => port.flush(),
    };
    this.session = new Session(sink, config);
    this.dispatcher = new Dispatcher(this.session);
  }

  get queuedRequests(): number {
    return this.queue.length;
  }

  get isClosed(): boolean {
    return this.session.isClosed;
  }

  /** One inbound message (a JSONL line or a WebSocket text frame). */
  receive(line: string): void {
    if (this.session.isClosed || line.trim() === "") return;
    if (this.queue.length === 0 && this.port.writable) {
      this.dispatcher.handleLine(line);
      return;
    }
    // The transport is saturated: requests wait; everything else (client notifications
    // and responses, which are only logged, and unparseable lines) goes straight through.
    const message = parseLine(line);
    if (message.kind !== "request") {
      this.dispatcher.handleLine(line);
      return;
    }
    if (this.queue.length >= this.limits.maxQueuedRequests) {
      log("warn", `${this.label}: request queue full (${this.queue.length}); answering ${formatRequestId(message.id)} with -32001`);
      this.port.write(serializeMessage({ id: message.id, error: { code: OVERLOADED_CODE, message: OVERLOADED_MESSAGE } }));
      this.checkOutbound();
      return;
    }
    this.queue.push(line);
    void this.pump();
  }

  /** The peer is gone (or the server is shutting down): kill this connection's processes. */
  close(): void {
    this.queue.length = 0;
    this.session.close();
  }

  private write(line: string): Promise<void> {
    if (this.session.isClosed) return Promise.resolve();
    this.port.write(line);
    this.checkOutbound();
    return this.port.writable ? Promise.resolve() : this.port.whenWritable();
  }

  private checkOutbound(): void {
    if (this.port.bufferedBytes <= this.limits.maxOutboundBytes) return;
    if (this.hooks.slowReader === "disconnect") {
      if (this.dropped) return;
      this.dropped = true;
      log("warn", `${this.label}: client is not reading (${this.port.bufferedBytes} bytes unsent); disconnecting it`);
      this.close();
      this.hooks.disconnect?.("slow reader");
      return;
    }
    if (!this.inputPaused) {
      this.inputPaused = true;
      log("warn", `${this.label}: client is not reading (${this.port.bufferedBytes} bytes unsent); pausing input`);
      this.hooks.pauseInput?.();
      void this.port.whenWritable().then(() => {
        this.inputPaused = false;
        this.hooks.resumeInput?.();
      });
    }
  }

  /** Dispatches queued requests in order whenever the transport can take output. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // Bounded: each iteration removes one queued line; the queue holds at most maxQueuedRequests.
      while (this.queue.length > 0 && !this.session.isClosed) {
        if (!this.port.writable) {
          await this.port.whenWritable();
          continue;
        }
        const line = this.queue.shift()!;
        this.dispatcher.handleLine(line);
      }
    } finally {
      this.pumping = false;
    }
  }
}
