// Every matcher can pass and can fail.
import { describe, expect, it } from "vitest";
import { ABSENT, match, unknownOperators, type MatchContext } from "../src/fixture/match.ts";
import { expandValue } from "../src/fixture/vars.ts";

const ctx = (): MatchContext => ({ vars: { workspace: "/ws", probe: ["/node", "/probe.js"], extra: { pathSep: "/" } }, captures: new Map() });
const ok = (expected: unknown, actual: unknown) => expect(match(expected, actual, ctx())).toEqual([]);
const bad = (expected: unknown, actual: unknown, text?: string) => {
  const ms = match(expected, actual, ctx());
  expect(ms.length).toBeGreaterThan(0);
  if (text) expect(ms.map((m) => m.message).join("; ")).toContain(text);
};

describe("literal matchers", () => {
  it("scalars match exactly", () => {
    ok(1, 1);
    bad(1, 2, "expected 1, got 2");
    ok("a", "a");
    bad("a", "b");
    ok(true, true);
    bad(true, false);
    ok(null, null);
    bad(null, 0);
    bad(0, null);
    bad("1", 1);
  });
  it("objects match a subset of keys; extra keys are allowed", () => {
    ok({ a: 1 }, { a: 1, b: 2 });
    bad({ a: 1 }, { a: 2, b: 2 });
    bad({ a: 1 }, { b: 2 }, "absent");
    bad({ a: 1 }, [1]);
  });
  it("arrays match element-wise with the same length", () => {
    ok([1, { a: 2 }], [1, { a: 2, z: 0 }]);
    bad([1, 2], [1, 2, 3], "expected 2 elements");
    bad([1, 2], [2, 1]);
    bad([1], { 0: 1 });
  });
  it("strings expand variables", () => {
    ok("${workspace}/x", "/ws/x");
    bad("${workspace}/x", "/other/x");
  });
});

describe("operators", () => {
  it("$type", () => {
    ok({ $type: "string" }, "s");
    bad({ $type: "string" }, 1, "expected type string");
    ok({ $type: "integer" }, 3);
    bad({ $type: "integer" }, 3.5);
    ok({ $type: "number" }, 3.5);
    ok({ $type: "string|null" }, null);
    bad({ $type: "object" }, []);
    ok({ $type: "array" }, []);
  });
  it("$regex (with flags and escaped variables)", () => {
    ok({ $regex: "^a.c$" }, "abc");
    bad({ $regex: "^a.c$" }, "abcd", "matching");
    bad({ $regex: "x" }, 5);
    ok({ $regex: "^ABC$", $flags: "i" }, "abc");
    ok({ $regex: "^${workspace}$" }, "/ws");
  });
  it("number ranges", () => {
    ok({ $gte: 1, $lte: 3 }, 3);
    bad({ $gte: 1, $lte: 3 }, 4, "<= 3");
    bad({ $gt: 1 }, 1);
    ok({ $lt: 1 }, 0);
    bad({ $lt: 1 }, "0");
  });
  it("$ne and $not", () => {
    ok({ $type: "integer", $ne: 0 }, 137);
    bad({ $type: "integer", $ne: 0 }, 0, "anything but");
    ok({ $not: { $regex: "^x" } }, "y");
    bad({ $not: { $regex: "^x" } }, "xy");
  });
  it("tri-state: $absent, $present, $nullish and a literal null", () => {
    ok({ f: { $absent: true } }, {});
    bad({ f: { $absent: true } }, { f: null }, "absent");
    ok({ f: { $present: true } }, { f: null });
    bad({ f: { $present: true } }, {});
    ok({ f: null }, { f: null });
    bad({ f: null }, {}, "absent");
    ok({ f: { $nullish: true } }, {});
    ok({ f: { $nullish: true } }, { f: null });
    bad({ f: { $nullish: true } }, { f: 0 });
    bad({ f: { $type: "integer" } }, {}, "absent");
  });
  it("$oneOf (including absent)", () => {
    ok({ $oneOf: [-32600, -32601] }, -32601);
    bad({ $oneOf: [-32600, -32601] }, -32602, "one of");
    ok({ f: { $oneOf: [{ $absent: true }, 5] } }, {});
    ok({ f: { $oneOf: [{ $absent: true }, 5] } }, { f: 5 });
    bad({ f: { $oneOf: [{ $absent: true }, 5] } }, { f: 6 });
  });
  it("$exact rejects extra members", () => {
    ok({ $exact: {} }, {});
    bad({ $exact: {} }, { processHandle: "h" }, "unexpected member");
    ok({ $exact: { a: 1 } }, { a: 1 });
    bad({ $exact: { a: 1 } }, { a: 1, b: 2 });
  });
  it("$startsWith, $contains, $length", () => {
    ok({ $startsWith: "failed to spawn" }, "failed to spawn command: x");
    bad({ $startsWith: "failed to spawn" }, "could not spawn");
    ok({ $contains: "45 132" }, "\r\n45 132\r\n");
    bad({ $contains: "45 132" }, "45 131");
    ok({ $length: 3 }, "abc");
    ok({ $length: { $gte: 2 } }, [1, 2]);
    bad({ $length: 3 }, "ab");
    bad({ $length: 3 }, 3);
  });
  it("$base64 decodes and matches", () => {
    ok({ $base64: "hello" }, Buffer.from("hello").toString("base64"));
    bad({ $base64: "hello" }, Buffer.from("help").toString("base64"));
  });
  it("$any matches anything, even absence", () => {
    ok({ f: { $any: true } }, {});
    ok({ f: { $any: true } }, { f: [1] });
  });
  it("$capture records a value usable as a variable later", () => {
    const c = ctx();
    expect(match({ code: { $capture: "code" } }, { code: -32603 }, c)).toEqual([]);
    expect(c.captures.get("code")).toBe(-32603);
    expect(expandValue({ again: "${code}" }, c.vars, c.captures)).toEqual({ again: -32603 });
    const c2 = ctx();
    expect(match({ $capture: "x", $type: "string" }, 5, c2).length).toBe(1);
    expect(c2.captures.has("x")).toBe(false);
  });
  it("unknown operators fail and are reported by lint", () => {
    bad({ $frobnicate: 1 }, 1, "unknown matcher operator");
    expect(unknownOperators({ a: [{ $nope: 1 }] })).toEqual(["$nope"]);
  });
  it("ABSENT only matches absence operators", () => {
    expect(match(1, ABSENT, ctx()).length).toBe(1);
    expect(match({ $absent: true }, ABSENT, ctx())).toEqual([]);
  });
});

describe("variables", () => {
  it("${probe} as a whole array element expands to several elements", () => {
    const vars = { workspace: "/ws", probe: ["/node", "/probe.js"] };
    expect(expandValue({ command: ["${probe}", "out", "${workspace}/f"] }, vars)).toEqual({ command: ["/node", "/probe.js", "out", "/ws/f"] });
  });
  it("unknown variables are an error", () => {
    expect(() => expandValue("${nope}", { workspace: "/ws", probe: [] })).toThrow(/unknown variable/);
  });
});
