// `send`: a request, checked against the schema first unless the fixture marks it invalid.
import type { Step } from "../../fixture/format.ts";
import { expandValue } from "../../fixture/vars.ts";
import { idKey } from "../inbound.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export function send(s: Session, step: Extract<Step, { step: "send" }>): void {
  const params = step.params === undefined ? undefined : expandValue(step.params, s.vars, s.ctx.captures);
  const hasParams = !step.omitParams && step.params !== undefined;
  if (!step.invalid) {
    const problems = s.validator.request(step.method, params, hasParams);
    if (problems.length) throw new StepFailure(`the fixture's own request is invalid: ${problems.join("; ")}`);
  }
  const message: Record<string, unknown> = { id: step.id, method: step.method };
  if (hasParams) message.params = params;
  Object.assign(message, expandValue(step.extra ?? {}, s.vars, s.ctx.captures));
  s.pending.set(idKey(step.id), step.method);
  s.sendMessage(message);
}
