// `expectExit`: the server exits in time, with a matching code when one is given.
import type { Step } from "../../fixture/format.ts";
import { tryMatch } from "../captures.ts";
import type { Session } from "../session.ts";
import { formatMismatches, StepFailure } from "../step-failure.ts";

export async function expectExit(s: Session, step: Extract<Step, { step: "expectExit" }>): Promise<void> {
  const info = await s.server.waitExit(s.stepMs(step.withinMs));
  if (!info) throw new StepFailure(`the server did not exit within ${s.stepMs(step.withinMs)} ms`);
  if (step.code !== undefined) {
    const ms = tryMatch(s.ctx, step.code, info.code);
    if (ms.length) throw new StepFailure(`server exit code: ${formatMismatches(ms)} (signal ${info.signal})`);
  }
}
