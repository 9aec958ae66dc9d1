// Validation of every message, both ways, against the wire contract.
//
// Two layers, and a message must pass both:
//   - the vendored JSON Schema in schema/json/{stable,experimental}/ (ajv, draft-07):
//     ClientRequest.json / ClientNotification.json / ServerNotification.json arms by
//     method, <ResultType>.json for results, JSONRPCErrorError.json for errors;
//   - the zod method table of schema/src, which adds what JSON Schema cannot say
//     (absolute paths, legacy input rewriting, the experimental field gate).
// When schema/json is missing (e.g. a checkout before `npm run schema:write`), only the
// zod layer runs. Results and server notifications are validated leniently: extra
// members are allowed (neither layer rejects unknown members).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { z } from "zod";
import {
  clientNotifications,
  clientRequests,
  decodeRequest,
  experimentalReason,
  isClientRequestMethod,
  isServerNotificationMethod,
  JSONRPCErrorError,
  serverNotifications,
} from "../../../schema/src/index.ts";

export type SchemaVariant = "stable" | "experimental";

export interface MessageValidator {
  readonly kind: "zod" | "ajv" | "ajv+zod";
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

/** Where the vendored JSON Schema lives. */
export function schemaJsonDir(repoRoot: string, variant: SchemaVariant): string {
  return join(repoRoot, "schema", "json", variant);
}

type Doc = Record<string, unknown>;

export function ajvValidator(dir: string): MessageValidator {
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  const docs = new Map<string, Doc>();
  const compiled = new Map<string, ValidateFunction | null>();
  const doc = (file: string): Doc => {
    let d = docs.get(file);
    if (!d) {
      d = JSON.parse(readFileSync(join(dir, file), "utf8")) as Doc;
      docs.set(file, d);
    }
    return d;
  };
  const arm = (file: string, method: string): ValidateFunction | null => {
    const key = `${file}#${method}`;
    if (compiled.has(key)) return compiled.get(key)!;
    const root = doc(file);
    const arms = (root.anyOf ?? root.oneOf ?? [root]) as Doc[];
    const hit = arms.find((a) => {
      const m = (a.properties as Doc | undefined)?.method as Doc | undefined;
      return m?.const === method || (Array.isArray(m?.enum) && (m.enum as unknown[]).includes(method));
    });
    const fn = hit ? ajv.compile({ ...hit, $schema: undefined, definitions: root.definitions ?? {} }) : null;
    compiled.set(key, fn);
    return fn;
  };
  const whole = (file: string): ValidateFunction | null => {
    if (compiled.has(file)) return compiled.get(file)!;
    const fn = existsSync(join(dir, file)) ? ajv.compile({ ...doc(file), $schema: undefined }) : null;
    compiled.set(file, fn);
    return fn;
  };
  const run = (fn: ValidateFunction, value: unknown): string[] =>
    fn(value) ? [] : (fn.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || "<root>"} ${e.message ?? "is invalid"} (JSON Schema)`);
  const typeId = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.id;
  return {
    kind: "ajv",
    request(method, params, hasParams) {
      const fn = arm("ClientRequest.json", method);
      if (!fn) return [`${method} is not a request of this schema variant (JSON Schema)`];
      return run(fn, hasParams ? { id: 0, method, params } : { id: 0, method });
    },
    clientNotification(method, params) {
      const fn = arm("ClientNotification.json", method);
      if (!fn) return [`${method} is not a client notification of this schema variant (JSON Schema)`];
      return run(fn, params === undefined ? { method } : { method, params });
    },
    result(method, result) {
      if (!isClientRequestMethod(method)) return [];
      const id = typeId(clientRequests[method].result);
      const fn = id ? whole(`${id}.json`) : null;
      return fn ? run(fn, result) : [];
    },
    error(error) {
      const fn = whole("JSONRPCErrorError.json");
      return fn ? run(fn, error) : [];
    },
    serverNotification(method, params) {
      if (!isServerNotificationMethod(method)) return [];
      const fn = arm("ServerNotification.json", method);
      if (!fn) return [`${method} is not in the ServerNotification schema (JSON Schema)`];
      return run(fn, params === undefined ? { method } : { method, params });
    },
  };
}

function both(a: MessageValidator, b: MessageValidator): MessageValidator {
  return {
    kind: "ajv+zod",
    request: (m, p, h) => {
      const first = a.request(m, p, h);
      return first.length ? first : b.request(m, p, h);
    },
    clientNotification: (m, p) => [...a.clientNotification(m, p), ...b.clientNotification(m, p)].slice(0, 3),
    result: (m, r) => [...a.result(m, r), ...b.result(m, r)].slice(0, 3),
    error: (e) => [...a.error(e), ...b.error(e)].slice(0, 3),
    serverNotification: (m, p) => [...a.serverNotification(m, p), ...b.serverNotification(m, p)].slice(0, 3),
  };
}

const cache = new Map<string, MessageValidator>();

/**
 * The validator for a variant: JSON Schema (schema/json under `repoRoot`) plus the zod
 * contract, or only zod when schema/json is not there.
 */
export function createValidator(variant: SchemaVariant, repoRoot?: string): MessageValidator {
  const dir = repoRoot === undefined ? undefined : schemaJsonDir(repoRoot, variant);
  const key = `${variant}:${dir ?? ""}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const zv = zodValidator(variant);
  const v = dir !== undefined && existsSync(join(dir, "ClientRequest.json")) ? both(ajvValidator(dir), zv) : zv;
  cache.set(key, v);
  return v;
}
