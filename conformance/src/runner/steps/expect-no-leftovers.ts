// `expectNoLeftovers`: every probe that recorded its pid during the fixture has ended
// (polled: a process group killed a moment ago may take a few ms to go).
import type { Step } from "../../fixture/format.ts";
import { describePid, livePids } from "../../probe/leftovers.ts";
import type { Session } from "../session.ts";
import { StepFailure } from "../step-failure.ts";

export async function expectNoLeftovers(s: Session, step: Extract<Step, { step: "expectNoLeftovers" }>): Promise<void> {
  const deadline = Date.now() + s.stepMs(step.withinMs ?? 3000);
  const live = await s.clock.time("leftoverScan", async () => {
    let pids = livePids(s.pidDir);
    while (pids.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      pids = livePids(s.pidDir);
    }
    return pids;
  });
  if (live.length) throw new StepFailure(`leftover child processes: ${live.map(describePid).join(", ")}`);
}
