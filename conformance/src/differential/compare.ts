// Compares two observations of the same session and names each difference by a signature
// (method, JSON path, kind), so one cause found many times is one finding.
import picomatch from "picomatch";
import { match, type Mismatch } from "../fixture/match.ts";
import type { Observation } from "./observe.ts";

export type DivergenceKind = "value" | "type" | "missing" | "extra" | "outcome";

export interface Divergence extends Mismatch {
  /** "<method> <path> <kind>", e.g. "command/exec error.message value". */
  signature: string;
  method: string;
  /** The path inside the message (or stream), ids replaced by the method. */
  at: string;
  kind: DivergenceKind;
  oracle: unknown;
  server: unknown;
  /** The params of the request the divergence concerns (responses and exec streams). */
  request?: unknown;
}

/** A difference an implementation declares as known (descriptor `differential.knownDifferences`). */
export interface KnownDifference {
  method: string;
  path?: string;
  kind?: DivergenceKind;
  /**
   * A matcher (fixture syntax) the request's params must match as the session wrote them,
   * e.g. {"permissionProfile": {"$type": "object"}}; "${workspace}" stands for itself.
   */
  when?: unknown;
  reason: string;
}

const show = (v: unknown) => (v === undefined ? "<absent>" : (JSON.stringify(v) ?? String(v)).slice(0, 200));
const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

function walk(oracle: unknown, server: unknown, path: string[], out: { path: string[]; kind: DivergenceKind; oracle: unknown; server: unknown }[]): void {
  if (oracle === undefined && server === undefined) return;
  if (oracle === undefined) return void out.push({ path, kind: "extra", oracle, server });
  if (server === undefined) return void out.push({ path, kind: "missing", oracle, server });
  if (typeOf(oracle) !== typeOf(server)) return void out.push({ path, kind: "type", oracle, server });
  if (Array.isArray(oracle) && Array.isArray(server)) {
    if (oracle.length !== server.length && path[path.length - 1] !== "notifications") {
      return void out.push({ path, kind: "value", oracle, server });
    }
    for (let i = 0; i < Math.max(oracle.length, server.length); i++) walk(oracle[i], server[i], [...path, String(i)], out);
    return;
  }
  if (typeof oracle === "object" && oracle !== null) {
    const o = oracle as Record<string, unknown>;
    const s = server as Record<string, unknown>;
    for (const k of new Set([...Object.keys(o), ...Object.keys(s)])) walk(o[k], s[k], [...path, k], out);
    return;
  }
  if (oracle !== server) out.push({ path, kind: "value", oracle, server });
}

/** Where in the observation a path points: the method it concerns and the path inside. */
function locate(obs: Observation, path: string[]): { method: string; at: string } {
  const [section, key, ...rest] = path;
  switch (section) {
    case "responses": {
      const method = obs.responses[key!]?.method ?? "?";
      return { method, at: rest.join(".") || "response" };
    }
    case "streams":
      return { method: key!.startsWith("exec:") ? "command/exec/outputDelta" : "process/outputDelta", at: rest.join(".") };
    case "exited":
      return { method: "process/exited", at: rest.join(".") || "notification" };
    case "notifications": {
      const method = obs.notifications[Number(key)]?.method ?? "notification";
      return { method, at: rest.join(".") || "notification" };
    }
    default:
      return { method: "session", at: path.join(".") };
  }
}

/** The params of the request behind an observation path (a response, or the exec that owns a stream). */
export type RequestLookup = (path: string[]) => unknown;

export function compareObservations(oracleObs: Observation, serverObs: Observation, requestOf: RequestLookup = () => undefined): Divergence[] {
  const oracle = structuredClone(oracleObs);
  const server = structuredClone(serverObs);
  const raw: { path: string[]; kind: DivergenceKind; oracle: unknown; server: unknown }[] = [];
  // a success on one side and an error on the other is one difference, not two
  for (const key of Object.keys({ ...oracle.responses, ...server.responses })) {
    const o = oracle.responses[key];
    const s = server.responses[key];
    if (o && s && !o.none && !s.none && ("error" in o) !== ("error" in s)) {
      raw.push({ path: ["responses", key], kind: "outcome", oracle: o.error ?? o.result, server: s.error ?? s.result });
      o.result = s.result = o.error = s.error = undefined;
    }
  }
  walk(oracle, server, [], raw);
  return raw.map((d) => {
    const { method, at } = locate(d.kind === "extra" ? server : oracle, d.path);
    const signature = `${method} ${at} ${d.kind}`;
    const request = requestOf(d.path);
    return {
      ...(request !== undefined ? { request } : {}),
      signature,
      method,
      at,
      kind: d.kind,
      oracle: d.oracle,
      server: d.server,
      path: `$.${d.path.join(".")}`,
      message: `${d.kind}: oracle ${show(d.oracle)}, server ${show(d.server)}`,
    };
  });
}

/** The declared reason for a divergence, if one matches. */
export function knownReason(d: Divergence, known: readonly KnownDifference[]): string | undefined {
  for (const k of known) {
    if (!picomatch.isMatch(d.method, k.method)) continue;
    if (k.path !== undefined && !picomatch.isMatch(d.at, k.path, { dot: true })) continue;
    if (k.kind !== undefined && k.kind !== d.kind) continue;
    if (k.when !== undefined && match(k.when, d.request ?? null, { vars: { workspace: "${workspace}", probe: [] }, captures: new Map() }).length > 0) continue;
    return k.reason;
  }
  return undefined;
}
