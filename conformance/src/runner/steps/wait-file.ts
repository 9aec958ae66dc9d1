// `waitFile`: a file appears (a probe's marker). Polled: files raise no protocol event.
import { existsSync } from "node:fs";
import type { Step } from "../../fixture/format.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export async function waitFile(s: Session, step: Extract<Step, { step: "waitFile" }>): Promise<void> {
  const path = s.path(step.path);
  const deadline = Date.now() + s.stepMs(step.withinMs);
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new StepFailure(`file ${step.path} did not appear within ${s.stepMs(step.withinMs)} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
