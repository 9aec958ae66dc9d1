// JUnit XML: one testsuite per run, one testcase per fixture (classname = area).
import type { SuiteReport } from "../suite.ts";
import { failedRun, transcriptText } from "./common.ts";

function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function renderJunit(r: SuiteReport): string {
  const c = r.counts;
  const failures = c.fail + c.stale + c.flaky;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="app-server-conformance" tests="${r.fixtures.length}" failures="${failures}" errors="${c.error}" skipped="${c.skip}" time="${(r.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${esc(r.implementation)}" tests="${r.fixtures.length}" failures="${failures}" errors="${c.error}" skipped="${c.skip + c.xfail}" timestamp="${r.startedAt}" time="${(r.durationMs / 1000).toFixed(3)}">`,
  ];
  out.push("    <properties>");
  out.push(`      <property name="kit.version" value="${esc(r.kit.version)}"/>`);
  if (r.server?.userAgent) out.push(`      <property name="server.userAgent" value="${esc(r.server.userAgent)}"/>`);
  out.push(`      <property name="timeoutMultiplier" value="${r.options.timeoutMultiplier}"/>`);
  out.push("    </properties>");
  for (const f of r.fixtures) {
    const area = f.file.split(/[\\/]/).slice(-2, -1)[0] ?? "fixtures";
    out.push(`    <testcase classname="${esc(area)}" name="${esc(f.id)}" file="${esc(f.file)}" time="${(f.durationMs / 1000).toFixed(3)}">`);
    const run = failedRun(f);
    switch (f.outcome) {
      case "fail":
      case "stale":
      case "flaky":
        out.push(`      <failure message="${esc(f.detail.slice(0, 500))}" type="${f.outcome}">${esc(`${f.detail}\n\n${run ? transcriptText(run.transcript) : ""}`)}</failure>`);
        break;
      case "error":
        out.push(`      <error message="${esc(f.detail.slice(0, 500))}">${esc(f.detail)}</error>`);
        break;
      case "skip":
      case "xfail":
        out.push(`      <skipped message="${esc(f.detail.slice(0, 500))}"/>`);
        break;
      case "warn":
        out.push(`      <system-out>${esc(`warning (${f.obligation}): ${f.detail}`)}</system-out>`);
        break;
      case "pass":
        break;
    }
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>", "");
  return out.join("\n");
}
