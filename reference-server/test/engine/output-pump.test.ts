// The output pump on its own (no process): chunking, caps and backpressure, deterministic.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CHUNK_BYTES, OutputPump } from "../../src/engine/output-pump.ts";

function source(chunks: Buffer[]): Readable {
  const r = new Readable({ read() {} });
  for (const c of chunks) r.push(c);
  r.push(null);
  return r;
}

describe("OutputPump", () => {
  it("joins small reads that are already available into one chunk", async () => {
    const got: Buffer[] = [];
    const pump = new OutputPump(source(Array.from({ length: 20_000 }, () => Buffer.from("x"))), "stdout", {
      cap: null,
      stream: true,
      sink: async (_s, bytes) => void got.push(bytes),
    });
    await pump.done;
    expect(got.map((b) => b.length)).toEqual([20_000]);
  });

  it("never emits more than 64 KiB at once", async () => {
    const sizes: number[] = [];
    const pump = new OutputPump(source([Buffer.alloc(200_000, 1), Buffer.alloc(10, 2)]), "stdout", {
      cap: null,
      stream: true,
      sink: async (_s, bytes) => void sizes.push(bytes.length),
    });
    await pump.done;
    expect(sizes.reduce((a, b) => a + b)).toBe(200_010);
    expect(Math.max(...sizes)).toBe(CHUNK_BYTES);
  });

  it("cuts the chunk that crosses the cap, flags it, and discards the rest", async () => {
    const got: Array<[string, boolean]> = [];
    const pump = new OutputPump(source([Buffer.from("abc")]), "stderr", {
      cap: 2,
      stream: true,
      sink: async (_s, bytes, capReached) => void got.push([bytes.toString(), capReached]),
    });
    await pump.done;
    expect(got).toEqual([["ab", true]]);
    expect(pump.capReached).toBe(true);
  });

  it("buffers when not streaming, and reports the cap", async () => {
    const pump = new OutputPump(source([Buffer.from("hello"), Buffer.from("world")]), "stdout", {
      cap: 7,
      stream: false,
      sink: async () => {
        throw new Error("not streaming");
      },
    });
    await pump.done;
    expect(pump.bytes.toString()).toBe("hellowo");
    expect(pump.capReached).toBe(true);
  });

  it("does not read on while the sink has not accepted the previous chunk", async () => {
    const r = new Readable({ read() {} });
    let release!: () => void;
    const seen: string[] = [];
    const pump = new OutputPump(r, "stdout", {
      cap: null,
      stream: true,
      sink: (_s, bytes) => {
        seen.push(bytes.toString());
        return seen.length === 1 ? new Promise<void>((res) => (release = res)) : Promise.resolve();
      },
    });
    r.push(Buffer.from("first"));
    await new Promise((res) => setImmediate(res));
    await new Promise((res) => setImmediate(res));
    r.push(Buffer.from("second"));
    r.push(Buffer.from("third"));
    await new Promise((res) => setImmediate(res));
    expect(seen).toEqual(["first"]);
    expect(r.readableLength).toBe("secondthird".length);
    release();
    r.push(null);
    await pump.done;
    expect(seen).toEqual(["first", "secondthird"]);
  });
});
