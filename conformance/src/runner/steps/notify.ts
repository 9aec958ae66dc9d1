// `notify`: a client notification, checked against the schema unless marked invalid.
import type { Step } from "../../fixture/format.ts";
import { expandValue } from "../../fixture/vars.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export function notify(s: Session, step: Extract<Step, { step: "notify" }>): void {
  const params = step.params === undefined ? undefined : expandValue(step.params, s.vars, s.ctx.captures);
  if (!step.invalid) {
    const problems = s.validator.clientNotification(step.method, params);
    if (problems.length) throw new StepFailure(`the fixture's own notification is invalid: ${problems.join("; ")}`);
  }
  s.sendMessage(params === undefined ? { method: step.method } : { method: step.method, params });
}
