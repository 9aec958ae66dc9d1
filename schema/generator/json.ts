// Builds the JSON Schema documents (draft-07) of the contract from the zod definitions:
// one self-contained file per named type, the request/notification unions, and a bundle.
// The stable variant drops experimental request methods and experimental fields but,
// like upstream, keeps experimental notifications in ServerNotification (servers filter
// those at run time).
import { z } from "zod";
import * as contract from "../src/index.ts";
import {
  clientNotifications,
  clientRequests,
  EXPERIMENTAL_KEY,
  serverNotifications,
  type NotificationSpec,
  type RequestSpec,
} from "../src/index.ts";
import { collectRefs, isJsonObject, reachable, sortKeys, type Json } from "./json-tools.ts";

export type Variant = "stable" | "experimental";
export const VARIANTS: readonly Variant[] = ["stable", "experimental"];

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const ENVELOPE_TYPES = ["JSONRPCMessage", "JSONRPCRequest", "JSONRPCNotification", "JSONRPCResponse", "JSONRPCError", "RequestId"];

const idOf = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id;

/** Every exported zod schema that carries an `id`, by id. */
function namedTypes(): Map<string, z.ZodType> {
  const out = new Map<string, z.ZodType>();
  for (const value of Object.values(contract)) {
    if (value instanceof z.ZodType) {
      const id = idOf(value);
      if (id !== undefined) out.set(id, value);
    }
  }
  return out;
}

/** zod -> JSON Schema with the root hoisted out of `definitions`. */
function toJson(schema: z.ZodType): { root: Json; definitions: Record<string, Json> } {
  const raw = z.toJSONSchema(schema, { target: "draft-7", io: "input", unrepresentable: "any" }) as Json;
  const { $schema: _schema, $ref, definitions: rawDefs, ...rest } = raw;
  const definitions = { ...((rawDefs as Record<string, Json> | undefined) ?? {}) };
  if (typeof $ref === "string") {
    const name = $ref.replace("#/definitions/", "");
    const root = { title: name, ...definitions[name], ...rest };
    delete definitions[name];
    return { root, definitions };
  }
  return { root: rest, definitions };
}

/** Removes experimental fields (and, unless `keepArms`, experimental union arms). */
function stripExperimental(node: unknown, keepArms: boolean): unknown {
  if (Array.isArray(node)) return node.map((item) => stripExperimental(item, keepArms));
  if (!isJsonObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" && isJsonObject(value)) {
      const kept = Object.entries(value).filter(([, prop]) => !(isJsonObject(prop) && prop[EXPERIMENTAL_KEY] === true));
      out.properties = Object.fromEntries(kept.map(([name, prop]) => [name, stripExperimental(prop, keepArms)]));
    } else if ((key === "oneOf" || key === "anyOf") && Array.isArray(value) && !keepArms) {
      out[key] = value.filter((arm) => !(isJsonObject(arm) && arm[EXPERIMENTAL_KEY] === true)).map((arm) => stripExperimental(arm, keepArms));
    } else {
      out[key] = stripExperimental(value, keepArms);
    }
  }
  if (Array.isArray(out.required) && isJsonObject(out.properties)) {
    const props = out.properties;
    out.required = (out.required as string[]).filter((name) => name in props);
  }
  return out;
}

function experimentalMeta(stability: "stable" | "experimental"): Json {
  return stability === "experimental" ? { [EXPERIMENTAL_KEY]: true } : {};
}

const titleCase = (method: string) => method.charAt(0).toUpperCase() + method.slice(1);

function clientRequestUnion(): z.ZodType {
  const arms = Object.entries(clientRequests as Record<string, RequestSpec>).map(([method, spec]) =>
    z
      .object({ id: contract.RequestId, method: z.literal(method), params: spec.params })
      .meta({ title: `${titleCase(method)}Request`, description: spec.description, ...experimentalMeta(spec.stability) }),
  );
  return z.union(arms as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]).meta({
    description: "Request sent from the client to the server.",
  });
}

function notificationUnion(specs: Record<string, NotificationSpec>, side: string): z.ZodType {
  const arms = Object.entries(specs).map(([method, spec]) => {
    const shape: Record<string, z.ZodType> = { method: z.literal(method) };
    if (spec.params !== undefined) shape.params = spec.params;
    if (side === "server") shape.emittedAtMs = z.int().optional().meta({ description: "Unix time (ms) the server emitted it." });
    return z
      .object(shape)
      .meta({ title: `${titleCase(method)}NotificationMessage`, description: spec.description, ...experimentalMeta(spec.stability) });
  });
  const union = arms.length === 1 ? arms[0]! : z.union(arms as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  return union.meta({ description: `Notification sent from the ${side} to the ${side === "server" ? "client" : "server"}.` });
}

export interface VariantDocuments {
  /** File name (e.g. `CommandExecParams.json`) -> JSON Schema document. */
  files: Map<string, Json>;
}

/** Method table as data, so tools that only see the JSON (the schema gate) know directions. */
function methodIndex(variant: Variant): Json {
  const index: Json = {};
  for (const [method, spec] of Object.entries(clientRequests as Record<string, RequestSpec>)) {
    if (variant === "stable" && spec.stability === "experimental") continue;
    index[method] = { kind: "clientRequest", params: idOf(spec.params), result: idOf(spec.result), stability: spec.stability };
  }
  for (const [method, spec] of Object.entries(clientNotifications as Record<string, NotificationSpec>)) {
    index[method] = { kind: "clientNotification", params: spec.params && idOf(spec.params), stability: spec.stability };
  }
  for (const [method, spec] of Object.entries(serverNotifications as Record<string, NotificationSpec>)) {
    index[method] = { kind: "serverNotification", params: spec.params && idOf(spec.params), stability: spec.stability };
  }
  return index;
}

function document(title: string, root: Json, definitions: Record<string, Json>): Json {
  const refs = reachable(collectRefs(root), definitions);
  const kept = Object.fromEntries(Object.entries(definitions).filter(([name]) => refs.has(name)));
  const doc: Json = { $schema: DRAFT_07, title, ...root };
  if (Object.keys(kept).length > 0) doc.definitions = sortKeys(kept);
  return doc;
}

export function buildVariant(variant: Variant): VariantDocuments {
  const strip = (node: Json, keepArms = false) => (variant === "stable" ? (stripExperimental(node, keepArms) as Json) : node);
  const all = new Map<string, { root: Json; definitions: Record<string, Json> }>();
  for (const [id, schema] of namedTypes()) all.set(id, toJson(schema));
  const unions = {
    ClientRequest: toJson(clientRequestUnion()),
    ClientNotification: toJson(notificationUnion(clientNotifications, "client")),
    ServerNotification: toJson(notificationUnion(serverNotifications, "server")),
  };

  // Every definition, stripped for the variant, in one flat namespace.
  const definitions: Record<string, Json> = {};
  for (const [id, { root, definitions: defs }] of all) {
    definitions[id] = strip(root);
    for (const [name, def] of Object.entries(defs)) definitions[name] ??= strip(def);
  }
  const unionRoots: Record<string, Json> = {
    ClientRequest: strip(unions.ClientRequest.root),
    ClientNotification: strip(unions.ClientNotification.root),
    ServerNotification: strip(unions.ServerNotification.root, true),
  };
  for (const u of Object.values(unions)) for (const [name, def] of Object.entries(u.definitions)) definitions[name] ??= strip(def);

  // Which named types this variant publishes.
  const roots = new Set<string>(ENVELOPE_TYPES);
  for (const spec of Object.values(clientRequests as Record<string, RequestSpec>)) {
    if (variant === "stable" && spec.stability === "experimental") continue;
    roots.add(idOf(spec.params)!);
    roots.add(idOf(spec.result)!);
  }
  for (const root of Object.values(unionRoots)) for (const ref of collectRefs(root)) roots.add(ref);
  const published = reachable(roots, definitions);

  const files = new Map<string, Json>();
  for (const name of [...published].sort()) {
    const { title: _title, ...root } = definitions[name]!;
    files.set(`${name}.json`, document(name, root, definitions));
  }
  for (const [name, root] of Object.entries(unionRoots)) files.set(`${name}.json`, document(name, root, definitions));
  const bundleDefs = Object.fromEntries([...published].map((name) => [name, definitions[name]!]));
  Object.assign(bundleDefs, unionRoots);
  files.set("app_server_conformance.schemas.json", {
    $schema: DRAFT_07,
    title: "AppServerConformanceProtocol",
    description: `Every type of the process-execution surface (${variant} variant).`,
    "x-methods": methodIndex(variant),
    definitions: sortKeys(Object.fromEntries(Object.entries(bundleDefs).map(([k, v]) => [k, withTitle(k, v)]))),
  });
  return { files };
}

function withTitle(name: string, def: Json): Json {
  return def.title === name ? def : { title: name, ...def };
}
