// A message from the server as the runner keeps it: classified once on arrival, consumed by
// at most one expectation.
import { isServerNotificationMethod } from "../../../schema/src/index.ts";
import { isRecord } from "../fixture/match.ts";

export interface Inbound {
  seq: number;
  t: number;
  raw: string;
  msg: Record<string, unknown>;
  kind: "response" | "error" | "notification" | "request";
  /** Only messages of this surface take part in expectations. */
  surface: boolean;
  consumed: boolean;
}

/** A JSON-RPC id as a map key: 1 and "1" stay different, as they are on the wire. */
export const idKey = (id: unknown) => JSON.stringify(id);

/** The raw message, cut short for failure messages. */
export function describeInbound(m: Inbound): string {
  return m.raw.length > 300 ? `${m.raw.slice(0, 300)}…` : m.raw;
}

/** One server line (or text frame) as an inbox entry, or why it is no JSON-RPC message. */
export function parseInbound(line: string, seq: number, t: number): Inbound | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: `a server message (stdout line or text frame) is not JSON: ${line.slice(0, 200)}` };
  }
  if (!isRecord(value)) return { problem: `a server message (stdout line or text frame) is not a JSON object: ${line.slice(0, 200)}` };
  const hasId = typeof value.id === "string" || typeof value.id === "number";
  let kind: Inbound["kind"];
  if (typeof value.method === "string") kind = hasId ? "request" : "notification";
  else if (hasId && "result" in value) kind = "response";
  else if (hasId && "error" in value) kind = "error";
  else return { problem: `not a JSON-RPC message: ${line.slice(0, 200)}` };
  let surface = kind === "response" || kind === "error";
  if (kind === "notification" && isServerNotificationMethod(value.method as string)) surface = true;
  return { seq, t, raw: line, msg: value, kind, surface, consumed: false };
}
