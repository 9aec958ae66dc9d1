// How a step fails: a StepFailure ends the fixture with the step's name and this message;
// any other error is a fault of the kit (status "error").
import type { Mismatch } from "../fixture/match.ts";

export class StepFailure extends Error {}

/** The first few mismatches, one line. */
export function formatMismatches(ms: Mismatch[]): string {
  return ms
    .slice(0, 5)
    .map((m) => `${m.path}: ${m.message}`)
    .join("; ");
}
