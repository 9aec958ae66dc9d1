// The kit's own models (no server involved).
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import {
  checkBufferedText,
  DEFAULT_OUTPUT_CAP,
  effectiveCap,
  expectStream,
  mergedEnv,
  parseProbeEnv,
  patterned,
} from "../../src/properties/model.ts";
import type { PropertyEnv } from "../../src/properties/harness.ts";
import { accessProbeArgv } from "../../src/properties/props/sandbox.ts";

describe("cap model", () => {
  it("follows the upstream defaults of each surface", () => {
    expect(effectiveCap("exec", { kind: "absent" })).toBe(DEFAULT_OUTPUT_CAP);
    expect(effectiveCap("exec", { kind: "null" })).toBe(DEFAULT_OUTPUT_CAP);
    expect(effectiveCap("exec", { kind: "disabled" })).toBe(Infinity);
    expect(effectiveCap("process", { kind: "absent" })).toBe(DEFAULT_OUTPUT_CAP);
    expect(effectiveCap("process", { kind: "null" })).toBe(Infinity);
    expect(effectiveCap("process", { kind: "number", n: 7 })).toBe(7);
  });

  test.prop([fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), fc.string({ minLength: 1, maxLength: 5 })])(
    "delivers min(size, cap) bytes and flags exactly when the cap is reached",
    (size, cap, pattern) => {
      const e = expectStream(size, pattern, cap);
      expect(e.bytes.length).toBe(Math.min(size, cap));
      expect(e.bytes.equals(patterned(size, pattern).subarray(0, Math.min(size, cap)))).toBe(true);
      if (size === 0 && cap === 0) expect(e.capReached).toBeUndefined();
      else expect(e.capReached).toBe(size >= cap);
    },
  );
});

describe("buffered text", () => {
  it("must match valid UTF-8 exactly", () => {
    expect(checkBufferedText("héllo", Buffer.from("héllo"))).toBeUndefined();
    expect(checkBufferedText("héllo!", Buffer.from("héllo"))).toMatch(/differs/);
  });
  it("only bounds the size when a cap cut a character", () => {
    const cut = Buffer.from("aé").subarray(0, 2);
    expect(checkBufferedText("a\ufffd", cut)).toBeUndefined();
    expect(checkBufferedText("aÃ", cut)).toBeUndefined();
    expect(checkBufferedText("", cut)).toMatch(/only the size/);
    expect(checkBufferedText("abcd", cut)).toMatch(/only the size/);
  });
});

describe("environment model", () => {
  it("applies overrides over inherited values", () => {
    const m = mergedEnv({ A: "1", B: "2" }, { A: null, C: "3", B: "" }, ["A", "B", "C", "D"]);
    expect([...m]).toEqual([["A", undefined], ["B", ""], ["C", "3"], ["D", undefined]]);
  });
  it("parses the probe's env output", () => {
    expect(parseProbeEnv("A=x=y\nB unset\nC=\n", ["A", "B", "C"])).toEqual(new Map([["A", "x=y"], ["B", undefined], ["C", ""]]));
    expect(parseProbeEnv("A=1\n", ["A", "B"])).toMatch(/expected 2 lines/);
  });
});

describe("the access probe's command", () => {
  const env = (probe: string[]) => ({ probe }) as unknown as PropertyEnv;
  it("sits beside the probe, whichever build of the probe runs (tsc's, rolldown's CommonJS, the source)", () => {
    expect(accessProbeArgv(env(["/usr/bin/node", "/k/dist/conformance/src/probe/probe.cjs"]))).toEqual(["/usr/bin/node", "/k/dist/conformance/src/properties/access-probe.js"]);
    expect(accessProbeArgv(env(["/usr/bin/node", "/k/dist/conformance/src/probe/probe.js"]))).toEqual(["/usr/bin/node", "/k/dist/conformance/src/properties/access-probe.js"]);
    expect(accessProbeArgv(env(["deno", "run", "-A", "/k/conformance/src/probe/probe.ts"]))).toEqual(["deno", "run", "-A", "/k/conformance/src/properties/access-probe.ts"]);
    expect(() => accessProbeArgv(env(["/usr/local/bin/my-probe"]))).toThrow(/cannot derive the access probe/);
  });
});
