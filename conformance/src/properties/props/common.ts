// Helpers shared by the property definitions.
import { Buffer } from "node:buffer";

/** The probe's action names: an argument equal to one of them would start a new action. */
export const PROBE_ACTIONS = new Set([
  "out", "err", "outn", "errn", "interleave", "echo", "echo-err", "readline", "count-stdin", "exit", "signal",
  "sleep", "hold", "env", "cwd", "pid", "tty", "size", "wait-size", "ignore-term", "grandchild", "write", "cat",
  "wait-file", "marker",
]);

/** A string the probe takes verbatim as a pattern argument (no escapes, no NUL, not an action, valid UTF-16). */
export function probeWord(s: string): boolean {
  return (
    s.length > 0 &&
    !s.includes("\0") &&
    !s.includes("\\") &&
    !PROBE_ACTIONS.has(s) &&
    Buffer.from(s, "utf8").toString("utf8") === s
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
