// TAP version 14: every case of the run (fixtures, stale baseline entries, properties).
import type { SuiteReport } from "../runner/suite.ts";
import { reportCases, stoppedEarlyNote } from "./common.ts";

const oneLine = (s: string) => s.replace(/\n/g, " ");

export function renderTap(r: SuiteReport): string {
  const cases = reportCases(r);
  const out = ["TAP version 14", `1..${cases.length}`];
  cases.forEach((c, i) => {
    const n = i + 1;
    const desc = `${c.id} - ${c.title}`.replace(/#/g, "\\#");
    switch (c.outcome) {
      case "pass":
        out.push(`ok ${n} ${desc}`);
        break;
      case "skip":
        out.push(`ok ${n} ${desc} # SKIP ${oneLine(c.detail)}`);
        break;
      case "xfail":
        out.push(`not ok ${n} ${desc} # TODO ${oneLine(c.detail)}`);
        break;
      case "warn":
        out.push(`ok ${n} ${desc} # ${c.obligation} check failed: ${oneLine(c.detail)}`);
        break;
      default:
        out.push(`not ok ${n} ${desc}`, "  ---", `  outcome: ${c.outcome}`, `  message: ${JSON.stringify(c.detail)}`, ...(c.file ? [`  file: ${JSON.stringify(c.file)}`] : []), "  ...");
    }
  });
  // The TAP word for a run that stopped before the end.
  if (r.stoppedEarly) out.push(`Bail out! ${stoppedEarlyNote(r).replace(/^; /, "")}`);
  return `${out.join("\n")}\n`;
}
