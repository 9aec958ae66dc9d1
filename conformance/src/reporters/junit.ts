// JUnit XML: a testsuite for the fixtures (one testcase per fixture, classname = its folder;
// stale entries for unknown fixtures as failing cases) and one for the properties when they
// ran. The counts of <testsuites> are the sums of its <testsuite>s.
import type { SuiteReport } from "../runner/suite.ts";
import { failedRun, reportCases, transcriptText, type ReportCase } from "./common.ts";

function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

interface Tally {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function tally(cases: readonly ReportCase[]): Tally {
  const t = { tests: cases.length, failures: 0, errors: 0, skipped: 0, time: 0 };
  for (const c of cases) {
    if (c.outcome === "fail" || c.outcome === "stale" || c.outcome === "flaky") t.failures++;
    else if (c.outcome === "error") t.errors++;
    else if (c.outcome === "skip" || c.outcome === "xfail") t.skipped++;
    t.time += c.durationMs;
  }
  return t;
}

const attrs = (t: Tally) => `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${(t.time / 1000).toFixed(3)}"`;

function testcase(c: ReportCase): string[] {
  const out = [`    <testcase classname="${esc(c.group)}" name="${esc(c.id)}"${c.file ? ` file="${esc(c.file)}"` : ""} time="${(c.durationMs / 1000).toFixed(3)}">`];
  const run = c.fixture ? failedRun(c.fixture) : undefined;
  switch (c.outcome) {
    case "fail":
    case "stale":
    case "flaky":
      out.push(`      <failure message="${esc(c.detail.slice(0, 500))}" type="${c.outcome}">${esc(`${c.detail}${run ? `\n\n${transcriptText(run.transcript)}` : ""}`)}</failure>`);
      break;
    case "error":
      out.push(`      <error message="${esc(c.detail.slice(0, 500))}">${esc(c.detail)}</error>`);
      break;
    case "skip":
    case "xfail":
      out.push(`      <skipped message="${esc(c.detail.slice(0, 500))}"/>`);
      break;
    case "warn":
      out.push(`      <system-out>${esc(`warning (${c.obligation}): ${c.detail}`)}</system-out>`);
      break;
    case "pass":
      break;
  }
  out.push("    </testcase>");
  return out;
}

export function renderJunit(r: SuiteReport): string {
  const cases = reportCases(r);
  const suites = [
    { name: r.implementation, cases: cases.filter((c) => c.suite === "fixtures"), props: true },
    ...(r.properties ? [{ name: `${r.implementation} (properties, seed ${r.properties.seed})`, cases: cases.filter((c) => c.suite === "properties"), props: false }] : []),
  ];
  const all = tally(cases);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="app-server-conformance" ${attrs({ ...all, time: r.durationMs })}>`];
  for (const s of suites) {
    out.push(`  <testsuite name="${esc(s.name)}" ${attrs(tally(s.cases))} timestamp="${r.startedAt}">`);
    if (s.props) {
      out.push("    <properties>");
      out.push(`      <property name="kit.version" value="${esc(r.kit.version)}"/>`);
      if (r.server?.userAgent) out.push(`      <property name="server.userAgent" value="${esc(r.server.userAgent)}"/>`);
      out.push(`      <property name="timeoutMultiplier" value="${r.options.timeoutMultiplier}"/>`);
      out.push("    </properties>");
    }
    for (const c of s.cases) out.push(...testcase(c));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}
