// Reads one output stream: coalesces already-available reads into chunks of up to
// ~64 KiB, applies the per-stream cap, and either buffers or hands chunks to a sink,
// awaiting it before reading on (backpressure: a paused pipe eventually blocks the
// child). After the cap is reached the rest is read and discarded so the child is not
// blocked on a full pipe.
import type { Readable } from "node:stream";
import type { OutputSink, OutputStreamName } from "./types.ts";

export const CHUNK_BYTES = 64 * 1024;

export interface PumpOptions {
  cap: number | null;
  stream: boolean;
  sink: OutputSink;
}

export class OutputPump {
  readonly done: Promise<void>;
  private readonly buffered: Buffer[] = [];
  private total = 0;
  private reachedCap = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: Readable,
    readonly name: OutputStreamName,
    private readonly options: PumpOptions,
  ) {
    this.done = this.run().catch(() => undefined);
  }

  get bytes(): Buffer {
    return Buffer.concat(this.buffered);
  }

  get capReached(): boolean {
    return this.reachedCap;
  }

  /** Stops reading now (drain deadline); the source is destroyed. */
  stop(): void {
    this.stopped = true;
    this.source.destroy();
    this.wake?.();
  }

  private nextChunk(): Promise<Buffer | null> {
    const ready = this.source.read() as Buffer | null;
    if (ready !== null) return Promise.resolve(ready);
    if (this.stopped || this.source.readableEnded || this.source.destroyed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const src = this.source;
      const finish = (value: Buffer | null) => {
        src.off("readable", onReadable);
        src.off("end", onEnd);
        src.off("close", onEnd);
        src.off("error", onEnd);
        this.wake = undefined;
        resolve(value);
      };
      const onReadable = () => {
        const chunk = src.read() as Buffer | null;
        if (chunk !== null) finish(chunk);
      };
      const onEnd = () => finish(null);
      this.wake = onEnd;
      src.on("readable", onReadable);
      src.on("end", onEnd);
      src.on("close", onEnd);
      src.on("error", onEnd);
    });
  }

  private async run(): Promise<void> {
    const { cap, stream, sink } = this.options;
    for (;;) {
      const first = await this.nextChunk();
      if (first === null || this.stopped) break;
      if (this.reachedCap) continue; // discard past the cap, keep the pipe flowing
      const parts = [first];
      let size = first.length;
      while (size < CHUNK_BYTES) {
        const more = this.source.read() as Buffer | null;
        if (more === null) break;
        parts.push(more);
        size += more.length;
      }
      let chunk = parts.length === 1 ? first : Buffer.concat(parts, size);
      if (cap !== null && this.total + chunk.length >= cap) {
        chunk = chunk.subarray(0, cap - this.total);
        this.reachedCap = true;
      }
      this.total += chunk.length;
      if (stream) await sink(this.name, chunk, this.reachedCap);
      else this.buffered.push(chunk);
    }
  }
}
