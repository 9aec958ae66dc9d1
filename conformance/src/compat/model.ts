// The model every part of the gate shares: a schema bundle (flat definitions + method
// table), its error type, file names, and the small readers of schema nodes that both the
// loaders (bundle.ts, layouts/) and the rule engine (shape.ts, diff.ts) use. It imports
// nothing from the gate, so the loaders and the layouts they call cannot form a cycle.

export type Json = Record<string, unknown>;
export const isJsonObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export type MethodKind = "clientRequest" | "serverRequest" | "clientNotification" | "serverNotification";
export type Stability = "stable" | "experimental";

export interface MethodEntry {
  kind: MethodKind;
  /** Definition name of the params type (absent: the message has no params). */
  params?: string;
  /** Definition name of the result type (requests only; absent when it cannot be derived, see SchemaBundle.unpaired). */
  result?: string;
  stability: Stability;
}

export interface SchemaBundle {
  /** Where it came from, for messages (a path, `git:<ref>`, `codex:<dir>`). */
  source: string;
  /** The bundle file on disk, when there is one (for annotations). */
  file?: string;
  definitions: Record<string, Json>;
  methods: Record<string, MethodEntry>;
  /** The raw bundle document (ours: as written; upstream: with refs flattened). */
  document: Json;
  /** Requests whose result type could not be derived from the schema, with the reason. */
  unpaired?: Record<string, string>;
  /** false: one generation without stability marks (everything is judged as stable). */
  stabilityKnown?: boolean;
  /** What the reader noticed (layout, what is missing), for the report. */
  notes?: string[];
}

export const BUNDLE_FILE = "app_server_conformance.schemas.json";
export const BUNDLE_PATH = `schema/json/experimental/${BUNDLE_FILE}`;
export const UPSTREAM_BUNDLE_FILE = "codex_app_server_protocol.schemas.json";

/** The mark a schema node carries when only the experimental API has it. */
export const EXPERIMENTAL = "x-experimental";

export class BundleError extends Error {
  override name = "BundleError";
}

/** The arms of a union definition (a lone object counts as one arm). */
export function unionArms(def: unknown): Json[] {
  if (!isJsonObject(def)) return [];
  const arms = Array.isArray(def.oneOf) ? def.oneOf : Array.isArray(def.anyOf) ? def.anyOf : [def];
  return arms.filter(isJsonObject);
}

/** The single literal value of a schema node (`const` or a one-value `enum`). */
export function literalOf(node: unknown): { value: unknown } | undefined {
  if (!isJsonObject(node)) return undefined;
  if ("const" in node) return { value: node.const };
  if (Array.isArray(node.enum) && node.enum.length === 1) return { value: node.enum[0] };
  return undefined;
}

export function methodOfArm(arm: Json): string | undefined {
  const props = arm.properties;
  if (!isJsonObject(props)) return undefined;
  const lit = literalOf(props.method);
  return typeof lit?.value === "string" ? lit.value : undefined;
}
