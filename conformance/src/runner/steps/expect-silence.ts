// `expectSilence`: nothing of this surface arrives for a while (scaled by the timeout multiplier).
import type { Step } from "../../fixture/format.ts";
import { describeInbound } from "../inbound.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export async function expectSilence(s: Session, step: Extract<Step, { step: "expectSilence" }>): Promise<void> {
  const start = s.inbox.length;
  await s.quiet(step.ms);
  const noisy = s.inbox.slice(start).filter((e) => e.surface);
  if (noisy.length) throw new StepFailure(`expected silence for ${step.ms} ms, got ${noisy.map(describeInbound).join(" | ")}`);
}
