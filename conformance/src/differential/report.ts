// Renders a differential report: pretty (terminal), json, markdown.
import { describeAction } from "./observe.ts";
import type { DifferentialReport, Finding } from "./runner.ts";
import type { Action } from "./session.ts";

const show = (v: unknown) => (v === undefined ? "<absent>" : (JSON.stringify(v) ?? String(v)));
const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function actionText(a: Action): string {
  switch (a.do) {
    case "send":
      return `-> ${show(a.id)} ${a.method} ${a.params === undefined ? "(no params)" : show(a.params)}`;
    case "notify":
      return `-> ${a.method} ${a.params === undefined ? "" : show(a.params)}`;
    case "raw":
      return `-> raw ${show(a.line)}`;
    default:
      return `.. wait for ${describeAction(a)}`;
  }
}

function findingLines(f: Finding): string[] {
  const lines = [`  ${f.signature}`];
  for (const d of f.divergences.slice(0, 4)) lines.push(`    ${d.path}: oracle ${clip(show(d.oracle))} | server ${clip(show(d.server))}`);
  if (f.divergences.length > 4) lines.push(`    … ${f.divergences.length - 4} more difference(s)`);
  lines.push(`    session (${f.session.area}, handshake ${f.session.handshake}; seed ${f.seed}, ${f.shrinks} shrinks):`);
  for (const a of f.session.actions) lines.push(`      ${clip(actionText(a), 300)}`);
  return lines;
}

export function renderDifferentialPretty(r: DifferentialReport, recorded: Map<string, string> = new Map()): string {
  const lines = [
    `differential: ${r.server} vs oracle ${r.oracle}`,
    `  ${r.sessions} sessions in ${(r.durationMs / 1000).toFixed(1)} s (seed ${r.seed}, areas ${r.areas.join(", ")}, normalisation v${r.normalisationVersion})`,
  ];
  for (const k of r.known) lines.push(`  known: ${k.signature} ×${k.count} (${k.reason})`);
  if (r.findings.length === 0) lines.push("  no undeclared divergence");
  else {
    lines.push(`  ${r.findings.length} divergence(s):`);
    for (const f of r.findings) {
      lines.push(...findingLines(f));
      const file = recorded.get(f.signature);
      if (file) lines.push(`    recorded: ${file}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function renderDifferentialJson(r: DifferentialReport, recorded: Map<string, string> = new Map()): string {
  return `${JSON.stringify({ ...r, findings: r.findings.map((f) => ({ ...f, recorded: recorded.get(f.signature) })) }, null, 2)}\n`;
}

export function renderDifferentialMarkdown(r: DifferentialReport, recorded: Map<string, string> = new Map()): string {
  const out = [
    `## Differential: ${r.server} vs ${r.oracle}`,
    "",
    `${r.sessions} sessions in ${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}, areas ${r.areas.join(", ")}, normalisation v${r.normalisationVersion}.`,
    "",
  ];
  if (r.findings.length === 0) out.push("No undeclared divergence.", "");
  else {
    out.push("| Signature | Oracle | Server | Recorded |", "|---|---|---|---|");
    for (const f of r.findings) {
      const d = f.divergences[0]!;
      const cell = (v: unknown) => clip(show(v), 80).replace(/\|/g, "\\|");
      out.push(`| \`${f.signature}\` | ${cell(d.oracle)} | ${cell(d.server)} | ${recorded.get(f.signature) ?? ""} |`);
    }
    out.push("");
  }
  if (r.known.length) {
    out.push("Known differences seen:", "");
    for (const k of r.known) out.push(`- \`${k.signature}\` ×${k.count}: ${k.reason}`);
    out.push("");
  }
  return out.join("\n");
}
