// --shard: every fixture in exactly one part, the same split on every machine, and parts
// balanced (by count without durations, by duration with them).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LoadedFixture } from "../../src/fixture/load.ts";
import { parseShard, partition, shardSelection } from "../../src/runner/shard.ts";
import type { Selection } from "../../src/runner/suite.ts";

const loaded = (id: string) => ({ file: `${id}.jsonc`, fixture: { id } }) as unknown as LoadedFixture;
const ids = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}(\.[a-z0-9-]{1,8}){0,2}$/), { maxLength: 120 });

describe("partition", () => {
  it("puts every id in exactly one part, whatever the durations", () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 9 }), fc.option(fc.array(fc.nat(60_000)), { nil: undefined }), (all, n, ms) => {
        const durations = ms && new Map(all.flatMap((id, i) => (ms[i] === undefined ? [] : [[id, ms[i]!] as const])));
        const part = partition(all, n, durations);
        expect([...part.keys()].sort()).toEqual([...all].sort());
        for (const p of part.values()) expect(p >= 0 && p < n).toBe(true);
        // Deterministic: another machine, given the ids in another order, splits alike.
        expect(partition([...all].reverse(), n, durations)).toEqual(part);
      }),
    );
  });

  it("balances counts without durations (parts differ by at most one fixture)", () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 9 }), (all, n) => {
        const sizes = new Array<number>(n).fill(0);
        for (const p of partition(all, n).values()) sizes[p]!++;
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("balances durations: no part exceeds the mean by more than the longest fixture", () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 120, maxLength: 120 }), (all, n, ms) => {
        const durations = new Map(all.map((id, i) => [id, ms[i]!]));
        const load = new Array<number>(n).fill(0);
        for (const [id, p] of partition(all, n, durations)) load[p]! += durations.get(id)!;
        const total = load.reduce((a, b) => a + b, 0);
        expect(Math.max(...load)).toBeLessThanOrEqual(total / n + Math.max(0, ...durations.values()));
      }),
    );
  });

  it("spreads slow fixtures that a count split would put together", () => {
    const all = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, "0")}`);
    const durations = new Map(all.map((id, i) => [id, i % 4 === 0 ? 10_000 : 100]));
    const heaviest = (part: Map<string, number>) => {
      const load = [0, 0, 0, 0];
      for (const [id, p] of part) load[p]! += durations.get(id)!;
      return Math.max(...load);
    };
    expect(heaviest(partition(all, 4))).toBe(30_000); // f00, f04, f08 dealt to one part
    expect(heaviest(partition(all, 4, durations))).toBe(10_000);
  });

  it("weighs fixtures the durations do not know as the median of those it does", () => {
    const durations = new Map([["a", 1], ["b", 100], ["c", 100]]);
    const part = partition(["a", "b", "c", "new"], 2, durations);
    // b, c, new (100 each, sorted) then a: b→0, c→1, new→0, a→1.
    expect(Object.fromEntries(part)).toEqual({ b: 0, c: 1, new: 0, a: 1 });
  });
});

describe("shardSelection", () => {
  it("splits what runs and what is not applicable, each into exactly one shard", () => {
    const sel: Selection = {
      selected: ["x.1", "x.2", "x.3", "x.4", "x.5"].map(loaded),
      skipped: ["y.1", "y.2", "y.3"].map((id) => ({ loaded: loaded(id), reason: "not applicable" })),
      partial: false,
    };
    const parts = [1, 2, 3].map((index) => shardSelection(sel, { index, count: 3 }));
    const ran = parts.flatMap((p) => p.selected.map((l) => l.fixture.id));
    const skipped = parts.flatMap((p) => p.skipped.map((s) => s.loaded.fixture.id));
    expect(ran.sort()).toEqual(["x.1", "x.2", "x.3", "x.4", "x.5"]);
    expect(skipped.sort()).toEqual(["y.1", "y.2", "y.3"]);
    expect(parts.map((p) => p.selected.length)).toEqual([2, 2, 1]);
    expect(parts.every((p) => p.partial === false)).toBe(true);
  });
});

describe("parseShard", () => {
  it("takes i/n with 1 <= i <= n and rejects the rest", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3", "-1/2", "1.5/3"]) expect(() => parseShard(bad), bad).toThrow(/<i>\/<n>/);
  });
});
