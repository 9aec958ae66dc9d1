// `expectFile`: a file exists or not, and its content matches when given.
import { existsSync, readFileSync } from "node:fs";
import type { Step } from "../../fixture/format.ts";
import { tryMatch } from "../captures.ts";
import type { Session } from "../session.ts";
import { formatMismatches, StepFailure } from "../step-failure.ts";

export function expectFile(s: Session, step: Extract<Step, { step: "expectFile" }>): void {
  const path = s.path(step.path);
  const exists = existsSync(path);
  if (exists !== step.exists) throw new StepFailure(`file ${step.path} ${exists ? "exists" : "does not exist"}`);
  if (exists && step.content !== undefined) {
    const ms = tryMatch(s.ctx, step.content, readFileSync(path, "utf8"));
    if (ms.length) throw new StepFailure(`file ${step.path}: ${formatMismatches(ms)}`);
  }
}
