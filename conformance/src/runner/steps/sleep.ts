// `sleep`: a deliberate pause (scaled by the timeout multiplier), for when no event exists.
import type { Step } from "../../fixture/format.ts";
import type { Session } from "../session.ts";

export async function sleep(s: Session, step: Extract<Step, { step: "sleep" }>): Promise<void> {
  await s.quiet(step.ms);
}
