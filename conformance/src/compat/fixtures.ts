// Fixture evidence: every message the fixture corpus exchanges must still validate
// against the new schema. Client messages (send/notify steps) are validated in full
// against the inbound types; what a fixture expects from the server (expectResponse,
// expectNotifications) is validated against the outbound types as a partial value:
// expectations match a subset of keys and may hold matcher objects ({"$regex": ...}),
// so matchers are pruned and `required` is not enforced.
//
// The fixture format belongs to conformance/src/fixture/format.ts; this module reads
// fixtures loosely (only `steps[].step`, `name`, `id`, `method`, `params`, `result`,
// `error`, `messages`, `invalid`) through `extractMessages`, the one function to adapt
// if the format changes.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import { isJsonObject, type Json, type SchemaBundle } from "./model.ts";
import type { Finding } from "./diff.ts";

export type MessageKind = "request" | "clientNotification" | "result" | "error" | "serverNotification";

export interface FixtureMessage {
  /** The fixture file (relative to the working directory). */
  file: string;
  /** The fixture id (or the file name if it has none). */
  fixture: string;
  /** The step name, or its index. */
  step: string;
  kind: MessageKind;
  /** The method; for results, the method of the request the response answers (if known). */
  method: string | undefined;
  /** params / result / error; undefined when the message carries none. */
  value: unknown;
  /** true: a literal message, validated in full; false: an expectation, validated partially. */
  literal: boolean;
}

const CLIENT_STEPS = new Set(["send", "notify"]);

/** The messages of one parsed fixture document (raw JSON, not validated against the format). */
export function extractMessages(raw: unknown, file: string): FixtureMessage[] {
  if (!isJsonObject(raw) || !Array.isArray(raw.steps)) return [];
  const fixture = typeof raw.id === "string" ? raw.id : file;
  const methodsById = new Map<string, string>();
  const out: FixtureMessage[] = [];
  raw.steps.forEach((step: unknown, index: number) => {
    if (!isJsonObject(step)) return;
    const name = typeof step.name === "string" ? step.name : String(index);
    const base = { file, fixture, step: name };
    if (CLIENT_STEPS.has(step.step as string) && typeof step.method === "string") {
      if (step.step === "send") methodsById.set(JSON.stringify(step.id), step.method);
      if (step.invalid === true) return; // deliberately invalid
      if (step.step === "send" && step.omitParams === true) return;
      out.push({ ...base, kind: step.step === "send" ? "request" : "clientNotification", method: step.method, value: step.params, literal: true });
    } else if (step.step === "expectResponse") {
      const method = methodsById.get(JSON.stringify(step.id));
      if ("result" in step) out.push({ ...base, kind: "result", method, value: step.result, literal: false });
      if ("error" in step) out.push({ ...base, kind: "error", method, value: step.error, literal: false });
    } else if (step.step === "expectNotifications" && Array.isArray(step.messages)) {
      step.messages.forEach((m: unknown, i: number) => {
        if (!isJsonObject(m) || typeof m.method !== "string") return;
        out.push({ ...base, step: `${name}.messages[${i}]`, kind: "serverNotification", method: m.method, value: m.params, literal: false });
      });
    }
  });
  return out;
}

/** Every `<dir>/<area>/**.jsonc` fixture (skipping `implementations/`). */
export function fixtureFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (name !== "implementations" && name !== "node_modules" && !name.startsWith(".")) walk(path, depth + 1);
      } else if (name.endsWith(".jsonc") && depth > 0) out.push(path);
    }
  };
  try {
    walk(dir, 0);
  } catch {
    return [];
  }
  return out;
}

export function loadFixtureMessages(dir: string, cwd = process.cwd()): { messages: FixtureMessage[]; problems: string[] } {
  const messages: FixtureMessage[] = [];
  const problems: string[] = [];
  for (const path of fixtureFilesIn(dir)) {
    const file = relative(cwd, path) || path;
    try {
      messages.push(...extractMessages(parseJsonc(readFileSync(path, "utf8"), file), file));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { messages, problems };
}

// ---- matchers --------------------------------------------------------------------

/** A matcher object: every key is an operator (`$regex`, `$type`, ...). */
export const isMatcher = (v: unknown): v is Json => isJsonObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith("$"));

const SKIP = Symbol("skip");

/** The literal part of an expectation: `$exact` unwrapped, other matchers dropped. */
export function literalPart(value: unknown): unknown {
  const walk = (v: unknown): unknown => {
    if (isMatcher(v)) return "$exact" in v && Object.keys(v).length === 1 ? walk(v.$exact) : SKIP;
    if (Array.isArray(v)) return v.map(walk).filter((x) => x !== SKIP);
    if (isJsonObject(v)) {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        const w = walk(x);
        if (w !== SKIP) out[k] = w;
      }
      return out;
    }
    return v;
  };
  const r = walk(value);
  return r === SKIP ? undefined : r;
}

/** The schema with `required` dropped and `oneOf` read as `anyOf` (for subset expectations). */
function partialSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(partialSchema);
  if (!isJsonObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "required") continue;
    out[k === "oneOf" ? "anyOf" : k] = partialSchema(v);
  }
  return out;
}

// ---- validation ------------------------------------------------------------------

export type Verdict = { status: "valid" } | { status: "invalid"; problems: string[] } | { status: "skip"; why: string };

/** Validates fixture messages against one bundle. */
export class FixtureValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly bundle: SchemaBundle) {
    const { $schema: _s, $id: _i, ...doc } = bundle.document;
    this.ajv.addSchema({ ...doc, definitions: bundle.definitions }, "full");
    this.ajv.addSchema(partialSchema({ ...doc, definitions: bundle.definitions }) as Json, "partial");
  }

  private validator(type: string, partial: boolean): ValidateFunction {
    const key = `${partial ? "partial" : "full"}#/definitions/${type}`;
    let fn = this.cache.get(key);
    if (fn === undefined) {
      fn = this.ajv.compile({ $ref: key });
      this.cache.set(key, fn);
    }
    return fn;
  }

  private check(type: string, value: unknown, partial: boolean): Verdict {
    if (!(type in this.bundle.definitions)) return { status: "invalid", problems: [`type ${type} is not defined`] };
    const fn = this.validator(type, partial);
    if (fn(value)) return { status: "valid" };
    return { status: "invalid", problems: (fn.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "<root>"} ${e.message ?? "invalid"}`) };
  }

  validate(m: FixtureMessage): Verdict {
    const value = m.literal ? m.value : literalPart(m.value);
    if (m.kind === "error") return value === undefined ? { status: "skip", why: "matcher" } : this.check("JSONRPCErrorError", value, true);
    if (m.method === undefined) return { status: "skip", why: "unknown request id" };
    const entry = this.bundle.methods[m.method];
    const wantKind = m.kind === "request" || m.kind === "result" ? "clientRequest" : m.kind;
    if (entry === undefined) return { status: "invalid", problems: [`method ${m.method} is not in the schema`] };
    if (entry.kind !== wantKind) return { status: "invalid", problems: [`${m.method} is a ${entry.kind}, not a ${wantKind}`] };
    if (!m.literal && value === undefined) return { status: "skip", why: "matcher" };
    const type = m.kind === "result" ? entry.result : entry.params;
    if (type === undefined) {
      if (value === undefined || value === null) return { status: "valid" };
      return m.kind === "result" ? { status: "skip", why: "no result type" } : { status: "invalid", problems: [`${m.method} takes no params`] };
    }
    if (value === undefined) return m.literal ? this.check(type, undefined, false) : { status: "skip", why: "no expectation" };
    return this.check(type, value, !m.literal);
  }
}

/**
 * `fixture-invalid` findings: messages valid against the old schema (or, without one,
 * any message) that the new schema rejects. Messages the old schema already rejected or
 * does not know are not evidence about this change and are skipped.
 */
export function checkFixtureMessages(messages: readonly FixtureMessage[], newBundle: SchemaBundle, oldBundle?: SchemaBundle): Finding[] {
  const fresh = new FixtureValidator(newBundle);
  const before = oldBundle ? new FixtureValidator(oldBundle) : undefined;
  const out: Finding[] = [];
  for (const m of messages) {
    if (before && m.method !== undefined && !(m.method in before.bundle.methods)) continue;
    const verdict = fresh.validate(m);
    if (verdict.status !== "invalid") continue;
    if (before && before.validate(m).status === "invalid") continue;
    const role = m.kind === "request" || m.kind === "clientNotification" ? "client" : "server";
    out.push({
      rule: "fixture-invalid",
      path: `${m.file}#${m.step}`,
      message: `fixture ${m.fixture} step ${m.step}: ${role} ${m.kind}${m.method ? ` ${m.method}` : ""} no longer validates: ${verdict.problems.join("; ")}`,
      severity: "breaking",
      directions: [role === "client" ? "input" : "output"],
      methods: m.method ? [m.method] : [],
      experimental: false,
      fixture: { file: m.file, step: m.step },
    });
  }
  return out;
}
