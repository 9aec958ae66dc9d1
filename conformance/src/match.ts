// Matchers: fixtures describe expected values as JSON where literal objects match a subset
// of keys (extra keys in server messages are allowed), arrays match element-wise, scalars
// match exactly, and objects whose keys start with `$` are operators.
import { expandString, type Vars } from "./vars.ts";

/** Stands for "this member is not there" when matching object members. */
export const ABSENT: unique symbol = Symbol("absent");
export type Actual = unknown | typeof ABSENT;

export interface MatchContext {
  vars: Vars;
  /** Values captured with {"$capture": name}; also visible as ${name} afterwards. */
  captures: Map<string, unknown>;
}

export interface Mismatch {
  path: string;
  message: string;
}

const OPERATORS = new Set([
  "$type", "$regex", "$flags", "$gte", "$gt", "$lte", "$lt", "$ne", "$absent", "$present", "$nullish", "$oneOf",
  "$not", "$exact", "$startsWith", "$contains", "$length", "$any", "$capture", "$match", "$base64",
]);

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function isOperator(v: unknown): v is Record<string, unknown> {
  if (!isRecord(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith("$") && k !== "$schema");
}

/** Operator names a matcher uses that the kit does not know (lint reports them). */
export function unknownOperators(expected: unknown, out: string[] = []): string[] {
  if (Array.isArray(expected)) expected.forEach((e) => unknownOperators(e, out));
  else if (isRecord(expected)) {
    for (const [k, v] of Object.entries(expected)) {
      if (k.startsWith("$") && !OPERATORS.has(k)) out.push(k);
      unknownOperators(v, out);
    }
  }
  return out;
}

function show(v: Actual): string {
  if (v === ABSENT) return "<absent>";
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

function typeOf(v: Actual): string {
  if (v === ABSENT) return "absent";
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matches `actual` against `expected`; returns every mismatch (empty means a match). */
export function match(expected: unknown, actual: Actual, ctx: MatchContext, path = "$"): Mismatch[] {
  const out: Mismatch[] = [];
  matchInto(expected, actual, ctx, path, out);
  return out;
}

function fail(out: Mismatch[], path: string, message: string): void {
  out.push({ path, message });
}

function matchInto(expected: unknown, actual: Actual, ctx: MatchContext, path: string, out: Mismatch[]): void {
  if (isOperator(expected)) {
    matchOperator(expected, actual, ctx, path, out);
    return;
  }
  if (actual === ABSENT) {
    fail(out, path, `expected ${show(expected)}, but the member is absent`);
    return;
  }
  if (typeof expected === "string") {
    const want = expandString(expected, ctx.vars, ctx.captures);
    if (actual !== want) fail(out, path, `expected ${show(want)}, got ${show(actual)}`);
    return;
  }
  if (expected === null || typeof expected !== "object") {
    if (actual !== expected) fail(out, path, `expected ${show(expected)}, got ${show(actual)}`);
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      fail(out, path, `expected an array, got ${show(actual)}`);
      return;
    }
    if (actual.length !== expected.length) {
      fail(out, path, `expected ${expected.length} elements, got ${actual.length}: ${show(actual)}`);
      return;
    }
    expected.forEach((e, i) => matchInto(e, actual[i], ctx, `${path}[${i}]`, out));
    return;
  }
  matchObject(expected as Record<string, unknown>, actual, ctx, path, out, false);
}

function matchObject(
  expected: Record<string, unknown>,
  actual: Actual,
  ctx: MatchContext,
  path: string,
  out: Mismatch[],
  exact: boolean,
): void {
  if (!isRecord(actual)) {
    fail(out, path, `expected an object, got ${show(actual)}`);
    return;
  }
  for (const [key, want] of Object.entries(expected)) {
    const got: Actual = Object.hasOwn(actual, key) ? actual[key] : ABSENT;
    matchInto(want, got, ctx, `${path}.${key}`, out);
  }
  if (exact) {
    for (const key of Object.keys(actual)) {
      if (!Object.hasOwn(expected, key)) fail(out, `${path}.${key}`, `unexpected member ${show(actual[key])}`);
    }
  }
}

function matchOperator(op: Record<string, unknown>, actual: Actual, ctx: MatchContext, path: string, out: Mismatch[]): void {
  const before = out.length;
  for (const key of Object.keys(op)) {
    if (!OPERATORS.has(key)) fail(out, path, `unknown matcher operator ${key}`);
  }
  if (op.$any === true) {
    // matches anything, even an absent member
  }
  if (op.$absent === true && actual !== ABSENT) fail(out, path, `expected the member to be absent, got ${show(actual)}`);
  if (op.$absent === false && actual === ABSENT) fail(out, path, "expected the member to be present");
  if (op.$present === true && actual === ABSENT) fail(out, path, "expected the member to be present");
  if (op.$present === false && actual !== ABSENT) fail(out, path, `expected the member to be absent, got ${show(actual)}`);
  if (op.$nullish === true && actual !== ABSENT && actual !== null) {
    fail(out, path, `expected absent or null, got ${show(actual)}`);
  }
  if (op.$nullish === false && (actual === ABSENT || actual === null)) {
    fail(out, path, `expected a non-null value, got ${show(actual)}`);
  }
  const needsValue = ["$type", "$regex", "$gte", "$gt", "$lte", "$lt", "$startsWith", "$contains", "$length", "$exact", "$base64", "$match"];
  if (actual === ABSENT && needsValue.some((k) => k in op)) {
    fail(out, path, "expected a value, but the member is absent");
    return;
  }
  if (typeof op.$type === "string") {
    const kinds = op.$type.split("|");
    const t = typeOf(actual);
    const ok = kinds.some((k) => k === t || (k === "number" && t === "integer"));
    if (!ok) fail(out, path, `expected type ${op.$type}, got ${t} ${show(actual)}`);
  }
  if (typeof op.$regex === "string") {
    if (typeof actual !== "string") fail(out, path, `expected a string matching /${op.$regex}/, got ${show(actual)}`);
    else {
      const source = expandString(op.$regex, ctx.vars, ctx.captures, escapeRegex);
      const re = new RegExp(source, typeof op.$flags === "string" ? op.$flags : "");
      if (!re.test(actual)) fail(out, path, `expected a string matching /${source}/, got ${show(actual)}`);
    }
  }
  if (typeof op.$startsWith === "string") {
    const want = expandString(op.$startsWith, ctx.vars, ctx.captures);
    if (typeof actual !== "string" || !actual.startsWith(want)) {
      fail(out, path, `expected a string starting with ${show(want)}, got ${show(actual)}`);
    }
  }
  if (typeof op.$contains === "string") {
    const want = expandString(op.$contains, ctx.vars, ctx.captures);
    // on an array: one element is that string
    if (Array.isArray(actual)) {
      if (!actual.includes(want)) fail(out, path, `expected an array with the element ${show(want)}, got ${show(actual)}`);
    } else if (typeof actual !== "string" || !actual.includes(want)) {
      fail(out, path, `expected a string containing ${show(want)}, got ${show(actual)}`);
    }
  }
  const bounds: [string, (a: number, b: number) => boolean, string][] = [
    ["$gte", (a, b) => a >= b, ">="],
    ["$gt", (a, b) => a > b, ">"],
    ["$lte", (a, b) => a <= b, "<="],
    ["$lt", (a, b) => a < b, "<"],
  ];
  for (const [key, test, sym] of bounds) {
    const bound = op[key];
    if (typeof bound !== "number") continue;
    if (typeof actual !== "number") fail(out, path, `expected a number ${sym} ${bound}, got ${show(actual)}`);
    else if (!test(actual, bound)) fail(out, path, `expected a number ${sym} ${bound}, got ${actual}`);
  }
  if ("$ne" in op) {
    const sub = match(op.$ne, actual, { ...ctx, captures: new Map(ctx.captures) }, path);
    if (sub.length === 0) fail(out, path, `expected anything but ${show(op.$ne)}, got ${show(actual)}`);
  }
  if ("$not" in op) {
    const sub = match(op.$not, actual, { ...ctx, captures: new Map(ctx.captures) }, path);
    if (sub.length === 0) fail(out, path, `expected no match for ${show(op.$not)}, got ${show(actual)}`);
  }
  if ("$length" in op) {
    const len = typeof actual === "string" || Array.isArray(actual) ? actual.length : undefined;
    if (len === undefined) fail(out, path, `expected a string or array, got ${show(actual)}`);
    else matchInto(op.$length, len, ctx, `${path}.length`, out);
  }
  if ("$exact" in op) {
    const want = op.$exact;
    if (isRecord(want) && !isOperator(want)) matchObject(want, actual, ctx, path, out, true);
    else matchInto(want, actual, ctx, path, out);
  }
  if ("$base64" in op) {
    if (typeof actual !== "string") fail(out, path, `expected a base64 string, got ${show(actual)}`);
    else matchInto(op.$base64, Buffer.from(actual, "base64").toString("utf8"), ctx, `${path}<base64>`, out);
  }
  if ("$match" in op) matchInto(op.$match, actual, ctx, path, out);
  if (Array.isArray(op.$oneOf)) {
    const options = op.$oneOf;
    const results = options.map((o) => {
      const captures = new Map(ctx.captures);
      return { captures, mismatches: match(o, actual, { ...ctx, captures }, path) };
    });
    const hit = results.find((r) => r.mismatches.length === 0);
    if (hit) for (const [k, v] of hit.captures) ctx.captures.set(k, v);
    else fail(out, path, `expected one of ${show(options)}, got ${show(actual)}`);
  }
  if (typeof op.$capture === "string" && out.length === before && actual !== ABSENT) {
    ctx.captures.set(op.$capture, actual);
  }
}
