// TAP version 14.
import type { SuiteReport } from "../suite.ts";

export function renderTap(r: SuiteReport): string {
  const out = ["TAP version 14", `1..${r.fixtures.length}`];
  r.fixtures.forEach((f, i) => {
    const n = i + 1;
    const desc = `${f.id} - ${f.title}`.replace(/#/g, "\\#");
    switch (f.outcome) {
      case "pass":
        out.push(`ok ${n} ${desc}`);
        break;
      case "skip":
        out.push(`ok ${n} ${desc} # SKIP ${f.detail}`);
        break;
      case "xfail":
        out.push(`not ok ${n} ${desc} # TODO ${f.detail}`);
        break;
      case "warn":
        out.push(`ok ${n} ${desc} # ${f.obligation} check failed: ${f.detail.replace(/\n/g, " ")}`);
        break;
      default:
        out.push(`not ok ${n} ${desc}`, "  ---", `  outcome: ${f.outcome}`, `  message: ${JSON.stringify(f.detail)}`, `  file: ${JSON.stringify(f.file)}`, "  ...");
    }
  });
  return `${out.join("\n")}\n`;
}
