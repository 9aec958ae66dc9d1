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
import type { MessagePieces } from "../message-pieces.ts";

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

/**
 * Longest piece of a message handed to the transport at once. A longer message (a huge
 * buffered reply, an error echoing a huge method name) is written in pieces, waiting for
 * the client to read between them: memory stays bounded, and the slow-reader bound judges
 * whether the client reads, not how large one message is.
 */
export const PIECE_CHARS = 1 << 20;

/** Cuts `text` into pieces of at most `size` UTF-16 units, never inside a surrogate pair. */
export function* splitText(text: string, size: number): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield text.slice(start, end);
    start = end;
  }
}

export class Connection {
  readonly session: Session;
  private readonly dispatcher: Dispatcher;
  /** Request lines waiting for the transport to become writable again (bounded). */
  private readonly queue: string[] = [];
  private pumping = false;
  /** Settles when every message written so far is queued; set while one is written in pieces. */
  private writing: Promise<void> | undefined;
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

  private write(message: string | MessagePieces): Promise<void> {
    if (this.session.isClosed) return Promise.resolve();
    const large = typeof message !== "string" || message.length > PIECE_CHARS;
    if (!large && this.writing === undefined) {
      this.port.write(message);
      this.checkOutbound();
      return this.port.writable ? Promise.resolve() : this.port.whenWritable();
    }
    // In order behind any message still being written in pieces.
    const run = (this.writing ?? Promise.resolve()).then(() => {
      if (this.session.isClosed) return;
      if (large) return this.writeInPieces(message);
      this.port.write(message);
      this.checkOutbound();
    });
    const settled = run.catch(() => undefined);
    this.writing = settled;
    void settled.then(() => {
      if (this.writing === settled) this.writing = undefined;
    });
    return run.then(() => (this.port.writable ? undefined : this.port.whenWritable()));
  }

  private async writeInPieces(message: string | MessagePieces): Promise<void> {
    const source = typeof message === "string" ? [message] : message.pieces();
    let held: string | undefined;
    try {
      for (const piece of source) {
        for (const part of splitText(piece, PIECE_CHARS)) {
          if (held !== undefined) {
            this.port.writePart(held, false);
            this.checkOutbound();
            if (this.session.isClosed) return;
            if (!this.port.writable) await this.port.whenWritable();
          }
          held = part;
        }
      }
    } catch (error) {
      // Should not happen (pieces are validated before the first one is written); end
      // the broken message so the next one starts on a line of its own.
      log("error", `${this.label}: an outgoing message failed half-way: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.port.writePart(held ?? "", true);
    this.checkOutbound();
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
