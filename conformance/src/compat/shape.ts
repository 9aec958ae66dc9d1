// Normalizes a JSON Schema node into the alternatives a value may take, independent of
// how a generator spelled it: `type: ["string","null"]`, `anyOf: [{type:"string"},
// {type:"null"}]` and `{enum: ["a", null]}` all become "nullable string"; `$ref` and
// single-element `allOf` wrappers are followed (remembering the definition name for
// report paths); nested unions are flattened; tagged-union variants are keyed by their
// tag (`type=readOnly`); numeric `format`s become bounds.
import { EXPERIMENTAL, isJsonObject, literalOf, type Json, type SchemaBundle } from "./model.ts";

/** |bounds| at or beyond 2^53-1 mean "unbounded" (JSON numbers past that are not exact anyway). */
const SAFE = Number.MAX_SAFE_INTEGER;

export interface ScalarAlt {
  kind: "scalar";
  type: "string" | "number" | "boolean";
  /** Allowed values (JSON-encoded), or undefined for any value of the type. */
  values: Set<string> | undefined;
  integer: boolean;
  min: number | undefined;
  max: number | undefined;
  /** String length bounds and pattern. */
  minLength?: number | undefined;
  maxLength?: number | undefined;
  pattern?: string | undefined;
}

export interface ArrayAlt {
  kind: "array";
  items: unknown;
  minItems: number | undefined;
  maxItems: number | undefined;
}

export interface ObjectAlt {
  kind: "object";
  node: Json;
  /** The tag property and its value, for tagged-union variants. */
  tag: { key: string; value: string } | undefined;
}

export type AltBody = ScalarAlt | ArrayAlt | ObjectAlt;

export interface Alt {
  key: string;
  body: AltBody;
  /** The definition this alternative was reached through, if any. */
  home: string | undefined;
  experimental: boolean;
}

export interface Shape {
  any: boolean;
  nullable: boolean;
  alts: Map<string, Alt>;
  /** Definitions referenced but missing from the bundle. */
  missing: string[];
}

const TYPE_KEYWORDS = ["type", "enum", "const", "properties", "anyOf", "oneOf", "allOf", "items", "$ref", "additionalProperties", "not"];

const FORMAT_BOUNDS: Record<string, [number | undefined, number | undefined]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  int64: [undefined, undefined],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
  uint64: [0, undefined],
  uint: [0, undefined],
  int: [undefined, undefined],
};

const clampMin = (v: number | undefined) => (v === undefined || v <= -SAFE ? undefined : v);
const clampMax = (v: number | undefined) => (v === undefined || v >= SAFE ? undefined : v);
const tighterMin = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const tighterMax = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

function numericBounds(node: Json): { min: number | undefined; max: number | undefined } {
  let min = typeof node.minimum === "number" ? node.minimum : undefined;
  let max = typeof node.maximum === "number" ? node.maximum : undefined;
  if (typeof node.exclusiveMinimum === "number") min = tighterMin(min, node.exclusiveMinimum + (Number.isInteger(node.exclusiveMinimum) ? 1 : 0));
  if (typeof node.exclusiveMaximum === "number") max = tighterMax(max, node.exclusiveMaximum - (Number.isInteger(node.exclusiveMaximum) ? 1 : 0));
  const fmt = typeof node.format === "string" ? FORMAT_BOUNDS[node.format] : undefined;
  if (fmt) {
    min = tighterMin(min, fmt[0]);
    max = tighterMax(max, fmt[1]);
  }
  return { min: clampMin(min), max: clampMax(max) };
}

function jsonType(value: unknown): "string" | "number" | "boolean" | "null" | "other" {
  if (value === null) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  return "other";
}

interface RawAlt {
  body: AltBody;
  home: string | undefined;
  experimental: boolean;
}

interface Collect {
  any: boolean;
  nullable: boolean;
  alts: RawAlt[];
  missing: string[];
}

function resolveRef(ref: string, bundle: SchemaBundle): { name: string; def: unknown } {
  const name = ref.split("/").pop()!;
  return { name, def: bundle.definitions[name] };
}

/** An arm of a union whose parent also declares properties, as the object a value of that arm is. */
function withSharedProperties(parent: Json, arm: unknown, bundle: SchemaBundle): unknown {
  let body = arm;
  for (let hops = 0; hops < 8 && isJsonObject(body); hops++) {
    if (typeof body.$ref === "string") body = resolveRef(body.$ref, bundle).def;
    else if (Array.isArray(body.allOf) && body.allOf.length === 1) body = body.allOf[0];
    else break;
  }
  if (!isJsonObject(body) || Array.isArray(body.anyOf) || Array.isArray(body.oneOf)) return arm; // nested unions: compared as written
  const { anyOf: _a, oneOf: _o, ...rest } = parent;
  const required = [...new Set([...(Array.isArray(rest.required) ? rest.required : []), ...(Array.isArray(body.required) ? body.required : [])])];
  const merged: Json = { ...rest, ...body, properties: { ...(rest.properties as Json), ...(isJsonObject(body.properties) ? body.properties : {}) }, required, type: "object" };
  if (rest[EXPERIMENTAL] === true || body[EXPERIMENTAL] === true) merged[EXPERIMENTAL] = true;
  return merged;
}

function collect(node: unknown, bundle: SchemaBundle, home: string | undefined, experimental: boolean, out: Collect, seen: Set<string>): void {
  if (node === true || node === undefined) {
    out.any = true;
    return;
  }
  if (node === false) return;
  if (!isJsonObject(node)) return;
  const exp = experimental || node[EXPERIMENTAL] === true;
  if (typeof node.$ref === "string") {
    const { name, def } = resolveRef(node.$ref, bundle);
    if (def === undefined) {
      out.missing.push(name);
      return;
    }
    if (seen.has(name)) return; // a ref cycle through unions only; nothing more to learn
    collect(def, bundle, name, exp, out, new Set([...seen, name]));
    return;
  }
  if (Array.isArray(node.allOf)) {
    if (node.allOf.length === 1) {
      collect(node.allOf[0], bundle, home, exp, out, seen);
      return;
    }
    out.alts.push({ body: { kind: "object", node, tag: undefined }, home, experimental: exp });
    return;
  }
  const arms = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (arms !== undefined) {
    // Properties beside the arms (serde's flattened untagged enums: an object with
    // `properties` and `anyOf: [{fileId}, {result}]`) belong to every arm.
    const shared = isJsonObject(node.properties) ? node : undefined;
    for (const arm of arms) collect(shared === undefined ? arm : withSharedProperties(shared, arm, bundle), bundle, home, exp, out, seen);
    return;
  }
  if (!TYPE_KEYWORDS.some((k) => k in node)) {
    out.any = true;
    return;
  }
  const literal = "const" in node ? [node.const] : Array.isArray(node.enum) ? (node.enum as unknown[]) : undefined;
  if (literal !== undefined) {
    const byType = new Map<string, unknown[]>();
    for (const value of literal) {
      const t = jsonType(value);
      if (t === "null") out.nullable = true;
      else byType.set(t, [...(byType.get(t) ?? []), value]);
    }
    for (const [t, values] of byType) {
      if (t === "other") {
        out.any = true;
        continue;
      }
      const type = t as ScalarAlt["type"];
      out.alts.push({
        body: {
          kind: "scalar",
          type,
          values: new Set(values.map((v) => JSON.stringify(v))),
          integer: type === "number" && values.every((v) => Number.isInteger(v)),
          min: undefined,
          max: undefined,
        },
        home,
        experimental: exp,
      });
    }
    return;
  }
  let types: string[];
  if (typeof node.type === "string") types = [node.type];
  else if (Array.isArray(node.type)) types = node.type.filter((t): t is string => typeof t === "string");
  else if ("properties" in node || "additionalProperties" in node) types = ["object"];
  else if ("items" in node) types = ["array"];
  else types = [];
  if (types.length === 0) {
    out.any = true;
    return;
  }
  for (const t of types) {
    if (t === "null") out.nullable = true;
    else if (t === "string") {
      const body: ScalarAlt = { kind: "scalar", type: t, values: undefined, integer: false, min: undefined, max: undefined };
      if (typeof node.minLength === "number" && node.minLength > 0) body.minLength = node.minLength;
      if (typeof node.maxLength === "number") body.maxLength = node.maxLength;
      if (typeof node.pattern === "string") body.pattern = node.pattern;
      out.alts.push({ body, home, experimental: exp });
    } else if (t === "boolean") {
      out.alts.push({ body: { kind: "scalar", type: t, values: undefined, integer: false, min: undefined, max: undefined }, home, experimental: exp });
    } else if (t === "integer" || t === "number") {
      const { min, max } = numericBounds(node);
      out.alts.push({ body: { kind: "scalar", type: "number", values: undefined, integer: t === "integer", min, max }, home, experimental: exp });
    } else if (t === "array") {
      const minItems = typeof node.minItems === "number" && node.minItems > 0 ? node.minItems : undefined;
      const maxItems = typeof node.maxItems === "number" ? node.maxItems : undefined;
      out.alts.push({ body: { kind: "array", items: node.items ?? true, minItems, maxItems }, home, experimental: exp });
    } else if (t === "object") {
      out.alts.push({ body: { kind: "object", node, tag: undefined }, home, experimental: exp });
    }
  }
}

const TAG_PREFERENCE = ["type", "kind", "method", "mode"];

function literalStrings(node: Json): Map<string, string> {
  const out = new Map<string, string>();
  const props = node.properties;
  if (!isJsonObject(props)) return out;
  for (const [name, prop] of Object.entries(props)) {
    const lit = literalOf(prop);
    if (typeof lit?.value === "string") out.set(name, lit.value);
  }
  return out;
}

/** Chooses the tag property of a set of object alternatives (if they form a tagged union). */
function chooseTag(objects: ObjectAlt[]): string | undefined {
  if (objects.length === 0) return undefined;
  const lits = objects.map((o) => literalStrings(o.node));
  const common = [...lits[0]!.keys()].filter((k) => lits.every((l) => l.has(k)));
  if (common.length === 0) return undefined;
  return TAG_PREFERENCE.find((k) => common.includes(k)) ?? (objects.length > 1 ? common.sort()[0] : undefined);
}

function mergeScalars(a: ScalarAlt, b: ScalarAlt): ScalarAlt {
  return {
    kind: "scalar",
    type: a.type,
    values: a.values === undefined || b.values === undefined ? undefined : new Set([...a.values, ...b.values]),
    integer: a.integer && b.integer,
    min: a.min === undefined || b.min === undefined ? undefined : Math.min(a.min, b.min),
    max: a.max === undefined || b.max === undefined ? undefined : Math.max(a.max, b.max),
    minLength: a.minLength === undefined || b.minLength === undefined ? undefined : Math.min(a.minLength, b.minLength),
    maxLength: a.maxLength === undefined || b.maxLength === undefined ? undefined : Math.max(a.maxLength, b.maxLength),
    pattern: a.pattern === b.pattern ? a.pattern : undefined,
  };
}

/** The normalized shape of a schema node. */
export function shapeOf(node: unknown, bundle: SchemaBundle): Shape {
  const out: Collect = { any: false, nullable: false, alts: [], missing: [] };
  // A field's own x-experimental mark is the field's business (compareObject), not its variants'.
  const top = isJsonObject(node) && EXPERIMENTAL in node ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== EXPERIMENTAL)) : node;
  collect(top, bundle, undefined, false, out, new Set());
  const alts = new Map<string, Alt>();
  const objects = out.alts.filter((a) => a.body.kind === "object");
  const tagKey = chooseTag(objects.map((a) => a.body as ObjectAlt));
  for (const raw of out.alts) {
    const body = raw.body;
    let key: string;
    if (body.kind === "scalar") key = body.type;
    else if (body.kind === "array") key = "array";
    else {
      const value = tagKey === undefined ? undefined : literalStrings(body.node).get(tagKey);
      body.tag = tagKey !== undefined && value !== undefined ? { key: tagKey, value } : undefined;
      key = body.tag ? `${body.tag.key}=${body.tag.value}` : "object";
    }
    const existing = alts.get(key);
    if (existing === undefined) {
      alts.set(key, { key, body, home: raw.home, experimental: raw.experimental });
    } else if (existing.body.kind === "scalar" && body.kind === "scalar") {
      existing.body = mergeScalars(existing.body, body);
      existing.experimental &&= raw.experimental;
      if (existing.home !== raw.home) existing.home = undefined;
    } else {
      let n = 2;
      while (alts.has(`${key}#${n}`)) n++;
      alts.set(`${key}#${n}`, { key: `${key}#${n}`, body, home: raw.home, experimental: raw.experimental });
    }
  }
  return { any: out.any, nullable: out.nullable || out.any, alts, missing: out.missing };
}

export const describeValues = (values: Iterable<string>) => [...values].sort().join(", ");
