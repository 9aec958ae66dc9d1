// `sendRaw`: one line as written, unchecked. When it happens to be a request, its response
// is expected like any other (so it is not reported as a response to an unknown id).
import type { Step } from "../../fixture/format.ts";
import { isRecord } from "../../fixture/match.ts";
import { expandString } from "../../fixture/vars.ts";
import { idKey } from "../inbound.ts";
import type { Session } from "../session.ts";

export function sendRaw(s: Session, step: Extract<Step, { step: "sendRaw" }>): void {
  const line = expandString(step.line, s.vars, s.ctx.captures);
  try {
    const v: unknown = JSON.parse(line);
    if (isRecord(v) && typeof v.method === "string" && (typeof v.id === "string" || typeof v.id === "number")) {
      s.pending.set(idKey(v.id), v.method);
    }
  } catch {
    // not JSON: that is the point of most raw lines
  }
  s.server.send(line);
}
