// Matching inside steps: `$capture` operators bind names for later steps, but only a match
// that succeeds as a whole may keep them (a near miss must not leave half its bindings).
import { match, type MatchContext, type Mismatch } from "../fixture/match.ts";

export function tryMatch(ctx: MatchContext, expected: unknown, actual: unknown): Mismatch[] {
  const captures = new Map(ctx.captures);
  const ms = match(expected, actual, { ...ctx, captures });
  if (ms.length === 0) for (const [k, v] of captures) ctx.captures.set(k, v);
  return ms;
}
