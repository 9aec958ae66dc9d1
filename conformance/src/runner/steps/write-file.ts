// `writeFile`: write a file (relative paths are in the workspace) in the middle of a fixture.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Step } from "../../fixture/format.ts";
import { expandString } from "../../fixture/vars.ts";
import type { Session } from "../session.ts";

export function writeFile(s: Session, step: Extract<Step, { step: "writeFile" }>): void {
  const path = s.path(step.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, expandString(step.content, s.vars, s.ctx.captures));
}
