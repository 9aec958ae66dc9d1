// Builders for small schema bundles used by the rule table and the engine tests.
import { bundleFromDocument } from "../../src/compat/bundle.ts";
import type { Json, MethodEntry, SchemaBundle } from "../../src/compat/model.ts";

export const ref = (name: string): Json => ({ $ref: `#/definitions/${name}` });
export const str: Json = { type: "string" };
export const int: Json = { type: "integer" };
export const nullable = (node: Json): Json => ({ anyOf: [node, { type: "null" }] });
export const obj = (properties: Record<string, Json>, required: string[] = Object.keys(properties), extra: Json = {}): Json => ({
  type: "object",
  properties,
  required,
  ...extra,
});
export const tagged = (key: string, value: string, properties: Record<string, Json> = {}, extra: Json = {}): Json =>
  obj({ [key]: { type: "string", const: value }, ...properties }, [key, ...Object.keys(properties)], extra);
export const EXP = { "x-experimental": true } as const;

export type Where = "input" | "output" | "both";

/**
 * A bundle with one method `t/m` whose params (input), result (output) or both are type
 * `T`, plus `extra` definitions and methods.
 */
export function bundleWith(t: Json | undefined, where: Where, extra: { definitions?: Record<string, Json>; methods?: Record<string, MethodEntry>; stability?: "stable" | "experimental" } = {}): SchemaBundle {
  const definitions: Record<string, Json> = { Empty: obj({}), ...(t === undefined ? {} : { T: t }), ...extra.definitions };
  const methods: Record<string, MethodEntry> = {
    "t/m": {
      kind: "clientRequest",
      params: where === "output" ? "Empty" : "T",
      result: where === "input" ? "Empty" : "T",
      stability: extra.stability ?? "stable",
    },
    ...extra.methods,
  };
  return bundleFromDocument({ definitions, "x-methods": methods }, "test");
}

/** A bundle with just a method table (types `Empty`). */
export function methodsBundle(methods: Record<string, MethodEntry>): SchemaBundle {
  return bundleFromDocument({ definitions: { Empty: obj({}) }, "x-methods": methods }, "test");
}
