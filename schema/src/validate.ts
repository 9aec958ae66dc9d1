// Decoding helpers shared by the server and the kit: classify a wire message, then parse
// a request's params with the method table, producing upstream-style errors.
import { z } from "zod";
import { Messages, invalidRequest, type WireError } from "./errors.ts";
import { normalizeLegacyParams } from "./legacy-input.ts";
import { clientRequests, isClientRequestMethod, type ClientRequestMethod } from "./methods.ts";
import type { RequestId } from "./primitives.ts";
import { EXPERIMENTAL_KEY, isExperimentalSchema } from "./stability.ts";
import { expectedVariants, serdeDetail } from "./serde-detail.ts";
import { describeSerdeValue } from "./serde-value.ts";

/**
 * A request id as it travels: upstream's ids are i64, so an integer beyond 2^53 is kept
 * exactly as a bigint (JSON.parse would round it) and echoed as the same JSON number.
 */
export type WireRequestId = RequestId | bigint;

export type IncomingMessage =
  /** `wideInteger`: the first integer in params that no 64-bit type holds (see wideIntegerInParams). */
  | { kind: "request"; id: WireRequestId; method: string; params: unknown; hasParams: boolean; wideInteger?: string }
  | { kind: "notification"; method: string; params: unknown }
  | { kind: "response"; id: WireRequestId; result: unknown }
  | { kind: "error"; id: WireRequestId; error: unknown }
  | { kind: "invalid"; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function isRequestId(value: unknown): value is WireRequestId {
  return typeof value === "string" || typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value));
}

const I64_MIN_BIG = -(2n ** 63n);
const I64_MAX_BIG = 2n ** 63n - 1n;

/**
 * The literal text of the top-level `"id"` member of a JSON object, if it is an integer.
 * With a duplicated `"id"` the last one counts, as it does for JSON.parse.
 */
export function topLevelIdLiteral(text: string): string | undefined {
  let found: string | undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && text.slice(i, j + 1) === '"id"') {
        const after = text.slice(j + 1, j + 64);
        if (/^\s*:/.test(after)) found = /^\s*:\s*(-?\d+)\s*[,}]/.exec(after)?.[1];
      }
      i = j;
    }
  }
  return found;
}

/** Replaces a rounded top-level integer id by its exact value (as a bigint) when it is an i64. */
function exactId(value: unknown, line: string): unknown {
  if (!isRecord(value) || typeof value.id !== "number" || !Number.isInteger(value.id) || Number.isSafeInteger(value.id)) return value;
  const literal = topLevelIdLiteral(line);
  if (literal === undefined) return value;
  const big = BigInt(literal);
  return big >= I64_MIN_BIG && big <= I64_MAX_BIG ? { ...value, id: big } : value;
}

/** Compact JSON for one outgoing message; a bigint id is written as the JSON number it is. */
export function serializeMessage(message: Record<string, unknown>): string {
  if (typeof message.id !== "bigint") return JSON.stringify(message);
  const { id, ...rest } = message;
  const body = JSON.stringify(rest);
  return body === "{}" ? `{"id":${id}}` : `{"id":${id},${body.slice(1)}`;
}

/** A request id for log lines. */
export function formatRequestId(id: WireRequestId): string {
  return typeof id === "bigint" ? id.toString() : JSON.stringify(id);
}

/**
 * Classifies one decoded JSON value in upstream's order: request, notification,
 * response, error. An object with a `method` whose `id` is not a string or integer is
 * a notification (and so is never answered). A `jsonrpc` member is ignored.
 */
export function classifyMessage(value: unknown): IncomingMessage {
  if (!isRecord(value)) return { kind: "invalid", reason: "not a JSON object" };
  if (typeof value.method === "string") {
    if (isRequestId(value.id)) {
      return { kind: "request", id: value.id, method: value.method, params: value.params, hasParams: "params" in value };
    }
    return { kind: "notification", method: value.method, params: value.params };
  }
  if (isRequestId(value.id)) {
    if ("result" in value) return { kind: "response", id: value.id, result: value.result };
    if ("error" in value) return { kind: "error", id: value.id, error: value.error };
  }
  return { kind: "invalid", reason: "neither a request, a notification, a response nor an error" };
}

/** Parses one JSONL line; `undefined` when it is not JSON at all. */
export function parseLine(line: string): IncomingMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { kind: "invalid", reason: `not JSON: ${(e as Error).message}` };
  }
  const message = classifyMessage(exactId(value, line));
  if (message.kind !== "request") return message;
  const wide = wideIntegerInParams(line);
  return wide === undefined ? message : { ...message, wideInteger: wide };
}

const U64_MAX_BIG = 2n ** 64n - 1n;
const U128_MAX_BIG = 2n ** 128n - 1n;
const I128_MIN_BIG = -(2n ** 127n);
/** A JSON number starting exactly at lastIndex (sticky: no copy of the rest of the line). */
const NUMBER_AT = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const NINETEEN_DIGITS = /\d{19}/;

/**
 * The first integer literal in the top-level "params" member beyond the 64-bit range (but
 * within 128 bits), as serde words it: upstream buffers params before reading them, which
 * refuses such an integer whatever the field ("invalid type: integer `N` as u128, expected
 * any value"). JSON.parse rounds them (2^64 - 1 and 2^64 read the same), so the text decides.
 */
export function wideIntegerInParams(text: string): string | undefined {
  // Any integer beyond the 64-bit range has at least 19 digits: most lines (stdin payloads of
  // a MiB included) are ruled out by one native search instead of the walk below.
  if (!NINETEEN_DIGITS.test(text)) return undefined;
  let depth = 0;
  let inParams = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1 && text.slice(i, j + 1) === '"params"' && /^\s*:/.test(text.slice(j + 1, j + 64))) inParams = true;
      i = j;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) inParams = false;
    else if (inParams && /[-\d]/.test(c)) {
      NUMBER_AT.lastIndex = i;
      const token = NUMBER_AT.exec(text)?.[0] ?? c;
      i += token.length - 1;
      if (!/^-?\d+$/.test(token)) continue;
      const big = BigInt(token);
      if (big > U64_MAX_BIG && big <= U128_MAX_BIG) return `invalid type: integer \`${big}\` as u128, expected any value`;
      if (big < I64_MIN_BIG && big >= I128_MIN_BIG) return `invalid type: integer \`${big}\` as i128, expected any value`;
    }
  }
  return undefined;
}

export type DecodedRequest<M extends ClientRequestMethod = ClientRequestMethod> =
  | { ok: true; method: M; params: z.infer<(typeof clientRequests)[M]["params"]> }
  | { ok: false; error: WireError };

/**
 * serde reports a present field's bad value as it reads it, and a missing field of the
 * struct only at its end: so a bad value anywhere wins over a missing top-level field.
 */
export function describeZodError(error: z.ZodError, schema?: z.ZodType): string {
  const missingAtTop = (i: z.core.$ZodIssue) => i.code === "invalid_type" && (i as { input?: unknown }).input === undefined && i.path.length === 1;
  const issue = error.issues.find((i) => !missingAtTop(i)) ?? error.issues[0];
  const structAt = (path: readonly PropertyKey[]) => {
    const id = schema === undefined ? undefined : schemaAt(schema, path)?.meta()?.id;
    return typeof id === "string" ? id : undefined;
  };
  // serde reads a PathBuf (AbsolutePathBuf) as a "path string"
  const pathAt = (path: readonly PropertyKey[]) => schema !== undefined && schemaAt(schema, path, true)?.meta()?.id === "AbsolutePathBuf";
  return issue ? serdeDetail(issue, structAt, pathAt) : "invalid params";
}

/**
 * The object schema (or with `any`, any schema) at `path` inside `schema`, through optional,
 * nullable and array wrappers and the options of a union (the first option that has the path).
 */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[], any = false): z.ZodType | undefined {
  let at: z.ZodType = schema;
  while (at instanceof z.ZodOptional || at instanceof z.ZodNullable || at instanceof z.ZodDefault) at = at.unwrap() as z.ZodType;
  if (at instanceof z.ZodUnion) {
    for (const option of at.options as z.ZodType[]) {
      const found = schemaAt(option, path, any);
      if (found) return found;
    }
    return undefined;
  }
  if (path.length === 0) return any || at instanceof z.ZodObject ? at : undefined;
  const [key, ...rest] = path;
  if (at instanceof z.ZodObject) {
    const next = (at.shape as Record<string, z.ZodType>)[String(key)];
    return next === undefined ? undefined : schemaAt(next, rest, any);
  }
  if (at instanceof z.ZodArray) return schemaAt(at.element as z.ZodType, rest, any);
  return undefined;
}

/** Largest magnitudes of upstream's 64-bit integer types (u64::MAX and i64::MIN). */
const U64_MAX_AS_DOUBLE = 2 ** 64;
const I64_MIN = -(2 ** 63);

/**
 * Upstream's 64-bit fields accept integers beyond 2^53, which JavaScript only holds
 * rounded. They keep meaning "very large" when clamped to the largest safe integer;
 * values outside the 64-bit range are left alone and rejected by the schema.
 */
export function clampWideIntegers(value: unknown): unknown {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || Number.isSafeInteger(value)) return value;
    if (value > Number.MAX_SAFE_INTEGER && value <= U64_MAX_AS_DOUBLE) return Number.MAX_SAFE_INTEGER;
    if (value < Number.MIN_SAFE_INTEGER && value >= I64_MIN) return Number.MIN_SAFE_INTEGER;
    return value;
  }
  if (Array.isArray(value)) return value.map(clampWideIntegers);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clampWideIntegers(v)]));
  return value;
}

/** Parses `params` with zod into the canonical wire form. */
export function parseWith<T extends z.ZodType>(schema: T, params: unknown): { ok: true; value: z.infer<T> } | { ok: false; detail: string } {
  const result = schema.safeParse(params, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : { ok: false, detail: describeZodError(result.error, schema) };
}

/**
 * Deserializes a request's method and params the way upstream does: an unknown method
 * or params that do not fit the schema give -32600 `Invalid request: <detail>`.
 */
export function decodeRequest<M extends ClientRequestMethod>(method: M, params: unknown, hasParams?: boolean, wideInteger?: string): DecodedRequest<M>;
export function decodeRequest(method: string, params: unknown, hasParams?: boolean, wideInteger?: string): DecodedRequest;
export function decodeRequest(method: string, params: unknown, hasParams = params !== undefined, wideInteger?: string): DecodedRequest {
  if (!isClientRequestMethod(method)) {
    return {
      ok: false,
      error: invalidRequest(Messages.invalidRequest(`unknown variant \`${method}\`, ${expectedVariants(Object.keys(clientRequests))}`)),
    };
  }
  // an integer no 64-bit field holds (parseLine's wideInteger), anywhere in params: refused before any field is read
  if (wideInteger !== undefined) return { ok: false, error: invalidRequest(Messages.invalidRequest(wideInteger)) };
  // serde reads `"params": null` like an absent member.
  if (!hasParams || params === null) return { ok: false, error: invalidRequest(Messages.invalidRequest("missing field `params`")) };
  // serde names the params struct when the params are a scalar: "expected struct CommandExecParams"
  const structName = (clientRequests[method].params as z.ZodType).meta()?.id;
  if (typeof params !== "object" && typeof structName === "string") {
    return { ok: false, error: invalidRequest(Messages.invalidRequest(`invalid type: ${describeSerdeValue(params)}, expected struct ${structName}`)) };
  }
  const legacy = normalizeLegacyParams(method, clampWideIntegers(params));
  if (!legacy.ok) return { ok: false, error: invalidRequest(Messages.invalidRequest(legacy.detail)) };
  const parsed = parseWith(clientRequests[method].params, legacy.value);
  if (!parsed.ok) return { ok: false, error: invalidRequest(Messages.invalidRequest(parsed.detail)) };
  return { ok: true, method, params: parsed.value } as DecodedRequest;
}

/** Whether a field value counts as "used" for the experimental gate. */
function isUsed(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * The reason a request needs `experimentalApi`, or undefined when it does not: the
 * method name for experimental methods, `<method>.<field>` for a used experimental field.
 */
export function experimentalReason(method: ClientRequestMethod, params: unknown): string | undefined {
  const spec = clientRequests[method];
  if (spec.stability === "experimental") return method;
  const schema = spec.params;
  if (!(schema instanceof z.ZodObject) || !isRecord(params)) return undefined;
  for (const [field, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (isExperimentalSchema(fieldSchema) && isUsed(params[field])) return `${method}.${field}`;
  }
  return undefined;
}

export { EXPERIMENTAL_KEY };
