// Bytes <-> lines on stdio. Input: one JSON message per `\n`-terminated line. Output:
// compact JSON per line, written in call order; `send` resolves once the transport can
// take more (so producers that await it get backpressure instead of unbounded buffers).
import type { Readable, Writable } from "node:stream";

export interface LineSink {
  /** Writes one line; resolves when the transport is ready for more. */
  send(line: string): Promise<void>;
  /** Resolves when everything written so far has been handed to the OS. */
  flush(): Promise<void>;
}

/** Splits a byte stream into lines (without the terminator), decoding each as UTF-8. */
export function readLines(input: Readable, onLine: (line: string) => void, onEnd: () => void): void {
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
}

/** A sink over a Node Writable: waits for 'drain' when write() returns false. */
export function writableSink(out: Writable, onBroken: () => void): LineSink {
  let waiting: Promise<void> | undefined;
  let broken = false;
  out.on("error", () => {
    if (!broken) {
      broken = true;
      onBroken();
    }
  });
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        waiting = undefined;
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
    });
  return {
    send(line) {
      if (broken) return Promise.resolve();
      const ok = out.write(line + "\n");
      if (ok) return waiting ?? Promise.resolve();
      waiting ??= drained();
      return waiting;
    },
    flush() {
      if (broken || out.writableLength === 0) return Promise.resolve();
      return new Promise((resolve) => out.write("", () => resolve()));
    },
  };
}

interface DenoStdout {
  writable: WritableStream<Uint8Array>;
}

/**
 * Under Deno `process.stdout.write` blocks the whole event loop on a full pipe, so use
 * the web stream of `Deno.stdout`, whose writes are asynchronous.
 */
export function denoSink(stdout: DenoStdout, onBroken: () => void): LineSink {
  const writer = stdout.writable.getWriter();
  const encoder = new TextEncoder();
  const HIGH_WATER = 1 << 20;
  let inFlight = 0;
  let last: Promise<void> = Promise.resolve();
  let broken = false;
  let readyWaiters: Array<() => void> = [];
  return {
    send(line) {
      if (broken) return Promise.resolve();
      const bytes = encoder.encode(line + "\n");
      inFlight += bytes.length;
      last = writer.write(bytes).then(
        () => {
          inFlight -= bytes.length;
          if (inFlight < HIGH_WATER) {
            const w = readyWaiters;
            readyWaiters = [];
            for (const f of w) f();
          }
        },
        () => {
          broken = true;
          const w = readyWaiters;
          readyWaiters = [];
          for (const f of w) f();
          onBroken();
        },
      );
      if (inFlight < HIGH_WATER) return Promise.resolve();
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    flush() {
      return last;
    },
  };
}
