// Validation of every message, both ways, against the wire contract.
//
// SEAM (schema/json): today this validates with the zod method table of schema/src
// (clientRequests / clientNotifications / serverNotifications). Once the vendored JSON
// Schema exists in schema/json/{stable,experimental}/ (ClientRequest.json,
// ServerNotification.json, ClientNotification.json, JSONRPCMessage.json and one file per
// type), implement `ajvValidator(variant)` below with ajv (draft-07: `ajv` default export,
// `strict: false`), compile `<Type>.json` per method (params type = the request's params
// type id, result = its response type id), keep results and server notifications lenient
// about extra members (do not add additionalProperties: false), and return it from
// `createValidator` when the directory exists. Nothing else in the kit needs to change.
import { existsSync } from "node:fs";
import {
  clientNotifications,
  clientRequests,
  decodeRequest,
  experimentalReason,
  isClientRequestMethod,
  isServerNotificationMethod,
  JSONRPCErrorError,
  serverNotifications,
} from "../../schema/src/index.ts";
import type { z } from "zod";

export type SchemaVariant = "stable" | "experimental";

export interface MessageValidator {
  readonly kind: "zod" | "ajv";
  /** Problems with a request the kit is about to send (empty: valid). */
  request(method: string, params: unknown, hasParams: boolean): string[];
  /** Problems with a client notification. */
  clientNotification(method: string, params: unknown): string[];
  /** Problems with a successful result of `method`. */
  result(method: string, result: unknown): string[];
  /** Problems with an error object. */
  error(error: unknown): string[];
  /** Problems with a server notification of this surface; other methods are not checked. */
  serverNotification(method: string, params: unknown): string[];
}

function issues(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join(".") : "<root>"}: ${i.message}`);
}

export function zodValidator(variant: SchemaVariant): MessageValidator {
  return {
    kind: "zod",
    request(method, params, hasParams) {
      const decoded = decodeRequest(method, params, hasParams);
      if (!decoded.ok) return [decoded.error.message];
      if (variant === "stable" && isClientRequestMethod(method)) {
        if (clientRequests[method].stability !== "stable") return [`${method} is experimental (not in the stable schema)`];
        const reason = experimentalReason(method, params);
        if (reason !== undefined) return [`${reason} is experimental (not in the stable schema)`];
      }
      return [];
    },
    clientNotification(method, params) {
      if (!Object.hasOwn(clientNotifications, method)) return [`unknown client notification ${method}`];
      return params === undefined || params === null ? [] : [`${method} takes no params`];
    },
    result(method, result) {
      if (!isClientRequestMethod(method)) return [];
      return issues(clientRequests[method].result, result);
    },
    error(error) {
      return issues(JSONRPCErrorError, error);
    },
    serverNotification(method, params) {
      if (!isServerNotificationMethod(method)) return [];
      const schema = serverNotifications[method].params;
      return schema ? issues(schema, params) : [];
    },
  };
}

/** Where the vendored JSON Schema will live. */
export function schemaJsonDir(repoRoot: string, variant: SchemaVariant): string {
  return `${repoRoot}/schema/json/${variant}`;
}

const cache = new Map<SchemaVariant, MessageValidator>();

/** The validator for a variant. See the SEAM note at the top of this file. */
export function createValidator(variant: SchemaVariant, repoRoot?: string): MessageValidator {
  const hit = cache.get(variant);
  if (hit) return hit;
  // When schema/json exists, switch to ajv here (see SEAM); until then use zod.
  void (repoRoot !== undefined && existsSync(schemaJsonDir(repoRoot, variant)));
  const v = zodValidator(variant);
  cache.set(variant, v);
  return v;
}
