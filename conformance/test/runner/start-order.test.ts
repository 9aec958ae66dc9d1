// The start order: longest first, by recorded durations when given, else by declared waits.
import { describe, expect, it } from "vitest";
import type { LoadedFixture } from "../../src/fixture/load.ts";
import { declaredWaitMs, longestFirst } from "../../src/runner/start-order.ts";

const fixture = (id: string, waits: number[]): LoadedFixture =>
  ({
    file: `${id}.jsonc`,
    fixture: {
      id,
      steps: [
        { step: "send", id: 1, method: "initialize" },
        ...waits.map((ms, i) => (i % 2 ? { step: "sleep", ms } : { step: "expectSilence", ms })),
      ],
    },
  }) as unknown as LoadedFixture;

const ids = (list: LoadedFixture[]) => list.map((l) => l.fixture.id);

describe("start order", () => {
  const a = fixture("a", []);
  const slow = fixture("slow", [6000, 100]);
  const b = fixture("b", []);
  const mid = fixture("mid", [500]);

  it("a fixture's declared wait is its sleep and expectSilence steps added up", () => {
    expect(declaredWaitMs(slow)).toBe(6100);
    expect(declaredWaitMs(a)).toBe(0);
  });

  it("starts the fixtures that declare the longest waits first, the rest in the selection's order", () => {
    expect(ids(longestFirst([a, slow, b, mid]))).toEqual(["slow", "mid", "a", "b"]);
  });

  it("recorded durations win over declared waits; a fixture they lack falls back to its declared wait", () => {
    const durations = new Map([["b", 9000], ["slow", 400], ["a", 100]]);
    expect(ids(longestFirst([a, slow, b, mid], durations))).toEqual(["b", "mid", "slow", "a"]);
  });
});
