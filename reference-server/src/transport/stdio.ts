// Bytes <-> lines on stdio. Input: one JSON message per `\n`-terminated line. Output:
// compact JSON per line, written in call order. `LineSink.send` (what a Session writes
// to) resolves once the transport can take more, so producers that await it get
// backpressure instead of unbounded buffers; `OutboundPort` is the transport-side view
// that transport/connection.ts turns into a LineSink (stdio here, WebSocket in ws.ts).
import type { Readable, Writable } from "node:stream";
import type { MessagePieces } from "../message-pieces.ts";

export interface LineSink {
  /** Writes one message (a string, or pieces written in order); resolves when the transport is ready for more. */
  send(message: string | MessagePieces): Promise<void>;
  /** Resolves when everything written so far has been handed to the OS. */
  flush(): Promise<void>;
}

/** Splits a byte stream into lines (without the terminator), decoding each as UTF-8. */
export function readLines(input: Readable, onLine: (line: string) => void, onEnd: () => void): { pause(): void; resume(): void } {
  let pending: Buffer[] = [];
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    const rest = Buffer.concat(pending).toString("utf8");
    pending = [];
    if (rest.trim() !== "") onLine(rest);
    onEnd();
  };
  input.on("data", (chunk: Buffer | string) => {
    let buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    let nl = buf.indexOf(0x0a);
    while (nl !== -1) {
      pending.push(buf.subarray(0, nl));
      const line = Buffer.concat(pending).toString("utf8");
      pending = [];
      onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(0x0a);
    }
    if (buf.length > 0) pending.push(buf);
  });
  input.on("end", finish);
  input.on("close", finish);
  input.on("error", finish);
  return {
    pause: () => input.pause(),
    resume: () => input.resume(),
  };
}

interface DenoStdout {
  writable: WritableStream<Uint8Array>;
}

/**
 * The outbound side of one connection as the connection layer sees it: writes never
 * block; `writable` turns false above the transport's high-water mark and
 * `whenWritable` resolves once it is below again (or the connection is gone).
 */
export interface OutboundPort {
  /** Queues one message (compact JSON, no terminator) for the peer. */
  write(line: string): void;
  /** Queues part of a message; `last` ends it. Parts of one message are never interleaved with others. */
  writePart(text: string, last: boolean): void;
  readonly writable: boolean;
  whenWritable(): Promise<void>;
  /** Bytes accepted but not yet handed to the OS (the memory a slow reader costs). */
  readonly bufferedBytes: number;
  /** Resolves when everything written so far has been handed to the OS. */
  flush(): Promise<void>;
}

/**
 * Node makes `process.stdout` synchronous when it is a pipe (Linux): every write blocks
 * until the reader has taken the bytes, so reading a child's output and writing it to
 * the client alternate instead of overlapping, which halves streaming throughput. Switch
 * the pipe handle to non-blocking writes; the port's drain-based backpressure then bounds
 * what is buffered, and shutdown flushes before exiting.
 */
export function nonBlockingStdout(): Writable {
  const handle = (process.stdout as unknown as { _handle?: { setBlocking?: (blocking: boolean) => unknown } })._handle;
  handle?.setBlocking?.(false);
  return process.stdout;
}

/** Node stdout as a port: write() buffers, 'drain' ends the blocked state (as writableSink). */
export function writablePort(out: Writable, onBroken: () => void): OutboundPort {
  let broken = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  out.on("error", () => {
    if (!broken) {
      broken = true;
      wake();
      onBroken();
    }
  });
  out.on("drain", wake);
  out.on("close", wake);
  // A closed stream never drains: do not leave producers waiting on it.
  const blocked = () => !broken && !out.destroyed && out.writableNeedDrain;
  return {
    write(line) {
      if (!broken) out.write(line + "\n");
    },
    writePart(text, last) {
      if (!broken) out.write(last ? text + "\n" : text);
    },
    get writable() {
      return !blocked();
    },
    whenWritable() {
      if (!blocked()) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get bufferedBytes() {
      return broken ? 0 : out.writableLength;
    },
    flush() {
      if (broken || out.writableLength === 0) return Promise.resolve();
      return new Promise((resolve) => out.write("", () => resolve()));
    },
  };
}

/**
 * Deno stdout as a port. Under Deno `process.stdout.write` blocks the whole event loop on
 * a full pipe, so use the web stream of `Deno.stdout`, whose writes are asynchronous.
 */
export function denoPort(stdout: DenoStdout, onBroken: () => void): OutboundPort {
  const writer = stdout.writable.getWriter();
  const encoder = new TextEncoder();
  const HIGH_WATER = 1 << 20;
  let inFlight = 0;
  let last: Promise<void> = Promise.resolve();
  let broken = false;
  let waiters: Array<() => void> = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const port: OutboundPort = {
    write(line) {
      port.writePart(line, true);
    },
    writePart(text, end) {
      if (broken) return;
      const bytes = encoder.encode(end ? text + "\n" : text);
      inFlight += bytes.length;
      last = writer.write(bytes).then(
        () => {
          inFlight -= bytes.length;
          if (inFlight < HIGH_WATER) wake();
        },
        () => {
          broken = true;
          inFlight = 0;
          wake();
          onBroken();
        },
      );
    },
    get writable() {
      return broken || inFlight < HIGH_WATER;
    },
    whenWritable() {
      if (broken || inFlight < HIGH_WATER) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    get bufferedBytes() {
      return inFlight;
    },
    flush() {
      return last;
    },
  };
  return port;
}
