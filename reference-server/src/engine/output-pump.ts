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
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly source: Readable,
    readonly name: OutputStreamName,
    private readonly options: PumpOptions,
  ) {
    // The 'readable' listener stays attached for the pump's whole life: besides waking the
    // loop, it keeps the stream out of flowing mode (child_process resumes stdio streams
    // without one at exit, which would drop data while a chunk is being delivered).
    source.on("readable", () => this.wake?.());
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    source.on("end", end);
    source.on("close", end);
    source.on("error", end);
    this.done = this.run().catch(() => undefined);
  }

  get bytes(): Buffer {
    return Buffer.concat(this.buffered);
  }

  /** The buffered output as read (not joined: it may exceed the largest Buffer). */
  get chunks(): readonly Buffer[] {
    return this.buffered;
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

  private async nextChunk(): Promise<Buffer | null> {
    for (;;) {
      const ready = this.source.read() as Buffer | null;
      if (ready !== null) return ready;
      if (this.stopped || this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private async emit(piece: Buffer): Promise<void> {
    const { cap, stream, sink } = this.options;
    let chunk = piece;
    if (cap !== null && this.total + chunk.length >= cap) {
      chunk = chunk.subarray(0, cap - this.total);
      this.reachedCap = true;
    }
    this.total += chunk.length;
    if (stream) await sink(this.name, chunk, this.reachedCap);
    else this.buffered.push(chunk);
  }

  private async run(): Promise<void> {
    for (;;) {
      const first = await this.nextChunk();
      if (first === null || this.stopped) break;
      if (this.reachedCap) continue; // discard past the cap, keep the pipe flowing
      const parts = [first];
      let size = first.length;
      const takeAvailable = () => {
        while (size < CHUNK_BYTES) {
          const more = this.source.read() as Buffer | null;
          if (more === null) break;
          parts.push(more);
          size += more.length;
        }
      };
      takeAvailable();
      if (size < CHUNK_BYTES && !this.ended) {
        // One turn of the event loop lets reads that are already due join this chunk.
        await new Promise<void>((resolve) => setImmediate(resolve));
        takeAvailable();
      }
      const batch = parts.length === 1 ? first : Buffer.concat(parts, size);
      for (let offset = 0; offset < batch.length && !this.reachedCap; offset += CHUNK_BYTES) {
        await this.emit(batch.subarray(offset, offset + CHUNK_BYTES));
      }
    }
  }
}
