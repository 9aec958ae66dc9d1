// `expectResponse`: the response to one id, a success matching `result` or an error
// matching `error`. An id of the other JSON type (1 for "1") is named in the failure.
import type { Step } from "../../fixture/format.ts";
import { tryMatch } from "../captures.ts";
import { describeInbound, idKey } from "../inbound.ts";
import type { Session } from "../session.ts";
import { formatMismatches, StepFailure } from "../step-failure.ts";

export async function expectResponse(s: Session, step: Extract<Step, { step: "expectResponse" }>): Promise<void> {
  const key = idKey(step.id);
  const m = await s.waitFor(
    () => s.inbox.find((e) => !e.consumed && (e.kind === "response" || e.kind === "error") && idKey(e.msg.id) === key),
    s.stepMs(step.withinMs),
    `waiting for the response to id ${key}`,
  ).catch((e: unknown) => {
    const loose = s.inbox.find((x) => (x.kind === "response" || x.kind === "error") && String(x.msg.id) === String(step.id) && idKey(x.msg.id) !== key);
    if (loose) throw new StepFailure(`${(e as Error).message} (a response with id ${idKey(loose.msg.id)} came instead: ids must keep their JSON type)`);
    throw e;
  });
  m.consumed = true;
  s.label(step.label, m.seq);
  if (step.error !== undefined) {
    if (m.kind !== "error") throw new StepFailure(`expected an error response matching ${JSON.stringify(step.error)}, got ${describeInbound(m)}`);
    const ms = tryMatch(s.ctx, step.error, m.msg.error);
    if (ms.length) throw new StepFailure(`error response to id ${key} does not match: ${formatMismatches(ms)} (got ${describeInbound(m)})`);
  } else if (step.result !== undefined) {
    if (m.kind !== "response") throw new StepFailure(`expected a success response matching ${JSON.stringify(step.result)}, got ${describeInbound(m)}`);
    const ms = tryMatch(s.ctx, step.result, m.msg.result);
    if (ms.length) throw new StepFailure(`result of id ${key} does not match: ${formatMismatches(ms)} (got ${describeInbound(m)})`);
  }
}
