// Human output: a progress line while running (on a TTY; otherwise a line per ~10% or
// per failure), failures with their transcript tail, then a summary.
import { renderReport as renderProperties } from "../properties/report.ts";
import type { FixtureReport, SuiteReport, SuiteEvents } from "../runner/suite.ts";
import { failedRun, plainClosingLine, summaryLine, transcriptText } from "./common.ts";
import { coverageText, unclaimedLine } from "./coverage.ts";

export interface PrettyOptions {
  write: (s: string) => void;
  tty: boolean;
  color: boolean;
  verbose: boolean;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

const MARK: Record<string, [string, string]> = {
  pass: ["✓", "32"], fail: ["✗", "31"], warn: ["!", "33"], xfail: ["x", "90"], stale: ["S", "31"], flaky: ["~", "31"], skip: ["-", "90"], error: ["E", "31"],
};

export function prettyProgress(o: PrettyOptions): SuiteEvents {
  let started = 0;
  let lastPct = -1;
  const bad: string[] = [];
  return {
    onStart(total, notApplicable) {
      started = Date.now();
      o.write(`Running ${total} fixtures${notApplicable ? ` (${notApplicable} not applicable)` : ""}…\n`);
    },
    onFixtureDone(f: FixtureReport, done, total) {
      const [mark, code] = MARK[f.outcome]!;
      if (f.outcome === "fail" || f.outcome === "error" || f.outcome === "stale" || f.outcome === "flaky") bad.push(f.id);
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      if (o.tty) {
        o.write(`\r\u001b[2K[${done}/${total}] ${secs}s ${bad.length ? paint(o.color, "31", `${bad.length} failing`) : ""} ${paint(o.color, code, mark)} ${f.id}`);
        if (done === total) o.write("\n");
        if (o.verbose || (f.outcome !== "pass" && f.outcome !== "skip" && f.outcome !== "xfail")) {
          o.write(`\r\u001b[2K${paint(o.color, code, mark)} ${f.id} ${paint(o.color, "90", `(${f.durationMs} ms)`)}\n`);
        }
      } else {
        const pct = Math.floor((done / total) * 10);
        if (o.verbose || (f.outcome !== "pass" && f.outcome !== "skip" && f.outcome !== "xfail")) {
          o.write(`${mark} ${f.id} (${f.durationMs} ms)\n`);
        } else if (pct !== lastPct) {
          o.write(`[${done}/${total}] ${secs}s\n`);
        }
        lastPct = pct;
      }
    },
  };
}

export function renderPretty(r: SuiteReport, o: Pick<PrettyOptions, "color" | "verbose">): string {
  const out: string[] = [""];
  for (const f of r.fixtures) {
    if (f.outcome === "pass" || f.outcome === "skip") continue;
    const [mark, code] = MARK[f.outcome]!;
    out.push(`${paint(o.color, code, `${mark} ${f.outcome.toUpperCase()}`)} ${f.id} — ${f.title} [${f.obligation}]`);
    out.push(`    ${f.file}`);
    out.push(`    ${f.detail.replace(/\n/g, "\n    ")}`);
    if (f.outcome === "fail" || f.outcome === "error" || f.outcome === "flaky" || (o.verbose && f.outcome === "warn")) {
      const run = failedRun(f);
      if (run) out.push(transcriptText(run.transcript, 25).replace(/^/gm, "      "));
    }
    out.push("");
  }
  for (const e of r.unknownBaselineEntries) out.push(`${paint(o.color, "31", "S STALE")} baseline entry for unknown fixture ${e.fixture} (${e.reason}): remove it`);
  if (r.properties) out.push("", renderProperties(r.properties));
  out.push("", coverageText(r), "");
  if (r.server?.userAgent) out.push(paint(o.color, "90", `server: ${r.server.userAgent}`));
  const unclaimed = unclaimedLine(r);
  if (unclaimed) out.push(paint(o.color, "33", unclaimed));
  out.push(`${paint(o.color, r.ok ? "32" : "31", r.ok ? "PASS" : "FAIL")} ${r.implementation}: ${summaryLine(r)}`);
  const failing = failingLine(r);
  if (failing) out.push(paint(o.color, "31", failing));
  out.push(plainClosingLine(r), "");
  return out.join("\n");
}

/** The ids that made the run fail, repeated next to the totals: CI logs are often read from the end. */
export function failingLine(r: SuiteReport, max = 20): string | undefined {
  const ids = r.fixtures.filter((f) => f.outcome === "fail" || f.outcome === "error" || f.outcome === "flaky" || f.outcome === "stale").map((f) => f.id);
  if (ids.length === 0) return undefined;
  const more = ids.length > max ? `, and ${ids.length - max} more` : "";
  return `failing: ${ids.slice(0, max).join(", ")}${more}`;
}
