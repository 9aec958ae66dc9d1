// `expectNotifications`: several notifications, in this order (others may come between) or
// in any order. A failure names each missing one with its closest candidate.
import type { Step } from "../../fixture/format.ts";
import { match } from "../../fixture/match.ts";
import { tryMatch } from "../captures.ts";
import type { Inbound } from "../inbound.ts";
import type { Session } from "../session.ts";
import { formatMismatches, StepFailure } from "../step-failure.ts";

export async function expectNotifications(s: Session, step: Extract<Step, { step: "expectNotifications" }>): Promise<void> {
  const ms = s.stepMs(step.withinMs);
  const matched: (Inbound | undefined)[] = step.messages.map(() => undefined);
  const attempt = (): true | undefined => {
    let after = 0;
    const taken = new Set<number>(matched.filter((x): x is Inbound => x !== undefined).map((x) => x.seq));
    for (let i = 0; i < step.messages.length; i++) {
      if (matched[i]) {
        after = matched[i]!.seq;
        continue;
      }
      const want = step.messages[i]!;
      const hit = s.inbox.find(
        (e) =>
          !e.consumed &&
          e.kind === "notification" &&
          e.msg.method === want.method &&
          !taken.has(e.seq) &&
          (step.order === "any" || e.seq > after) &&
          (want.params === undefined || tryMatch(s.ctx, want.params, e.msg.params).length === 0),
      );
      if (!hit) {
        if (step.order === "strict") return undefined;
        continue;
      }
      matched[i] = hit;
      taken.add(hit.seq);
      after = hit.seq;
    }
    return matched.every((x) => x !== undefined) ? true : undefined;
  };
  try {
    await s.waitFor(attempt, ms, "waiting for notifications");
  } catch (e) {
    const missing = step.messages
      .map((w, i) => ({ w, i }))
      .filter(({ i }) => !matched[i])
      .map(({ w }) => {
        const near = s.inbox.filter((x) => x.kind === "notification" && x.msg.method === w.method && !x.consumed);
        const why = near.length
          ? ` (closest: ${formatMismatches(match(w.params ?? {}, near[near.length - 1]!.msg.params, { ...s.ctx, captures: new Map(s.ctx.captures) }))})`
          : " (none of that method arrived)";
        return `${w.method} ${JSON.stringify(w.params ?? {})}${why}`;
      });
    throw new StepFailure(`${(e as Error).message}; missing: ${missing.join(" | ")}`);
  }
  matched.forEach((m, i) => {
    m!.consumed = true;
    s.label(step.messages[i]!.label, m!.seq);
  });
}
