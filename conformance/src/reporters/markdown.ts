// Markdown summary (e.g. for a CI step summary): verdict, the notable fixtures, the
// properties, and what is missing by area and feature.
import { propertyCounts } from "../properties/report.ts";
import type { SuiteReport } from "../runner/suite.ts";
import { coverageMarkdown, unclaimedLine } from "./coverage.ts";
import { propertyDetail, summaryLine } from "./common.ts";

const ICON: Record<string, string> = {
  pass: "✅", fail: "❌", warn: "⚠️", xfail: "➖", stale: "🧹", flaky: "🎲", skip: "⏭️", error: "💥",
};

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ").slice(0, 300);
}

export function renderMarkdown(r: SuiteReport): string {
  const out = [
    `# Conformance: ${r.implementation}`,
    "",
    `**${r.ok ? "PASS" : "FAIL"}** — ${summaryLine(r)}`,
    "",
    ...(unclaimedLine(r) ? [`⏭️ ${unclaimedLine(r)}`, ""] : []),
    ...(r.server?.userAgent ? [`Server: \`${r.server.userAgent}\` (${r.server.platformOs ?? "?"}).`, ""] : []),
    `Kit ${r.kit.version}, started ${r.startedAt}, jobs ${r.options.jobs}, repeat ${r.options.repeat}, timeout multiplier ${r.options.timeoutMultiplier}.`,
    "",
  ];
  const notable = r.fixtures.filter((f) => f.outcome !== "pass" && f.outcome !== "skip");
  if (notable.length) {
    out.push("| | Fixture | Obligation | Detail |", "|---|---|---|---|");
    for (const f of notable) out.push(`| ${ICON[f.outcome]} ${f.outcome} | \`${f.id}\` | ${f.obligation} | ${cell(f.detail)} |`);
    out.push("");
  }
  if (r.unknownBaselineEntries.length) {
    out.push("Stale baseline entries (fixtures not in the corpus):", "");
    for (const e of r.unknownBaselineEntries) out.push(`- 🧹 \`${e.fixture}\` (${e.reason})`);
    out.push("");
  }
  if (r.properties) {
    const c = propertyCounts(r.properties);
    out.push(`## Properties (seed ${r.properties.seed}): ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped`, "", "| | Property | Detail |", "|---|---|---|");
    for (const p of r.properties.results) {
      const icon = p.status === "pass" ? ICON.pass : p.status === "skip" ? ICON.skip : p.status === "error" ? ICON.error : ICON.fail;
      out.push(`| ${icon} ${p.status} | \`${p.id}\` | ${cell(propertyDetail(p))} |`);
    }
    out.push("");
  }
  out.push(coverageMarkdown(r), "");
  out.push(`<details><summary>All ${r.fixtures.length} fixtures</summary>`, "", "| | Fixture | ms |", "|---|---|---|");
  for (const f of r.fixtures) out.push(`| ${ICON[f.outcome]} | \`${f.id}\` | ${f.durationMs} |`);
  out.push("", "</details>", "");
  return out.join("\n");
}
