// `expectOrder`: messages labelled by earlier steps arrived in this order.
import type { Step } from "../../fixture/format.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export function expectOrder(s: Session, step: Extract<Step, { step: "expectOrder" }>): void {
  const seqs = step.labels.map((l) => {
    const seq = s.labels.get(l);
    if (seq === undefined) throw new StepFailure(`no message was labelled ${JSON.stringify(l)}`);
    return seq;
  });
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) {
      throw new StepFailure(`expected ${step.labels[i - 1]} before ${step.labels[i]}, but they arrived in the other order`);
    }
  }
}
