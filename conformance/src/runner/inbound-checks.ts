// Protocol and schema checks applied to every inbound message, whatever the steps expect:
// responses only for requests sent (once each), valid shapes, experimental notifications
// only on experimental connections.
import { serverNotifications } from "../../../schema/src/index.ts";
import { describeInbound, idKey, type Inbound } from "./inbound.ts";
import type { MessageValidator } from "./schema-check.ts";
import type { Failure } from "./types.ts";

/** What the checks read of the session, and the request bookkeeping they update. */
export interface Exchange {
  /** Requests sent and not answered yet: id key -> method. */
  readonly pending: Map<string, string>;
  readonly answered: Set<string>;
  readonly validator: MessageValidator;
  readonly experimentalConnection: boolean;
}

export function checkInbound(m: Inbound, x: Exchange): Failure[] {
  const failures: Failure[] = [];
  if ("jsonrpc" in m.msg) failures.push({ step: "protocol", message: `server messages carry no jsonrpc member: ${describeInbound(m)}` });
  if (m.kind === "response" || m.kind === "error") {
    const key = idKey(m.msg.id);
    const method = x.pending.get(key);
    if (method === undefined) {
      const why = x.answered.has(key) ? "a second response for" : "a response for unknown request";
      failures.push({ step: "protocol", message: `${why} id ${key}: ${describeInbound(m)}` });
      return failures;
    }
    x.pending.delete(key);
    x.answered.add(key);
    const problems = m.kind === "response" ? x.validator.result(method, m.msg.result) : x.validator.error(m.msg.error);
    for (const p of problems) failures.push({ step: "schema", message: `${method} ${m.kind} id ${key}: ${p}` });
  } else if (m.kind === "notification" && m.surface) {
    const method = m.msg.method as keyof typeof serverNotifications;
    for (const p of x.validator.serverNotification(method, m.msg.params)) {
      failures.push({ step: "schema", message: `${method} notification: ${p}` });
    }
    if (serverNotifications[method].stability === "experimental" && !x.experimentalConnection) {
      failures.push({
        step: "protocol",
        message: `experimental notification ${method} sent to a connection without experimentalApi: ${describeInbound(m)}`,
      });
    }
  }
  return failures;
}
