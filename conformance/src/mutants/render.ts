// The mutation report as text (a table per area, survivors, killers), Markdown or JSON.
import type { MutantsReport } from "./run.ts";

const pct = (score: number | null) => (score === null ? "n/a" : `${score.toFixed(1)}%`);
const short = (text: string, n = 110) => (text.length > n ? `${text.slice(0, n - 1)}…` : text).replaceAll("\n", " ");

function headline(r: MutantsReport): string {
  return `mutants of ${r.implementation}: ${r.killed} killed, ${r.survived} survived, ${r.equivalent} equivalent: score ${pct(r.score)}${r.quick ? " (quick: hinted fixtures only)" : ""}, ${(r.durationMs / 1000).toFixed(0)} s`;
}

export function renderMutantsText(r: MutantsReport): string {
  const out = [headline(r), ""];
  out.push(`${"area".padEnd(24)}${"killed".padStart(8)}${"survived".padStart(10)}${"equiv.".padStart(8)}${"score".padStart(9)}`);
  for (const a of r.areas) out.push(`${a.area.padEnd(24)}${String(a.killed).padStart(8)}${String(a.survived).padStart(10)}${String(a.equivalent).padStart(8)}${pct(a.score).padStart(9)}`);
  const survivors = r.mutants.filter((m) => m.status === "survived");
  if (survivors.length) {
    out.push("", "survivors (no fixture told them from the server):");
    for (const m of survivors) out.push(`  ${m.id} [${m.area}]: ${m.description} (${m.fixturesRun} fixtures ran)`);
  }
  const equivalent = r.mutants.filter((m) => m.status === "equivalent");
  if (equivalent.length) {
    out.push("", "equivalent (not counted):");
    for (const m of equivalent) out.push(`  ${m.id}: ${m.reason}`);
  }
  out.push("", "killed by:");
  for (const m of r.mutants) if (m.killedBy) out.push(`  ${m.id.padEnd(34)} ${m.killedBy.fixture} [${m.killedBy.step}] ${short(m.killedBy.message)}`);
  if (r.clean.failed.length) {
    out.push("", `${r.clean.failed.length} fixture(s) failed without a mutation too (not counted as kills): ${r.clean.failed.map((f) => f.fixture).join(", ")}`);
  }
  return `${out.join("\n")}\n`;
}

export function renderMutantsMarkdown(r: MutantsReport): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const out = [`### ${cell(headline(r))}`, "", "| area | killed | survived | equivalent | score |", "|---|---:|---:|---:|---:|"];
  for (const a of r.areas) out.push(`| ${a.area} | ${a.killed} | ${a.survived} | ${a.equivalent} | ${pct(a.score)} |`);
  out.push("", "| mutant | area | outcome | killed by |", "|---|---|---|---|");
  for (const m of r.mutants) {
    const by = m.killedBy ? `\`${m.killedBy.fixture}\` (${cell(m.killedBy.step)})` : m.status === "equivalent" ? cell(m.reason ?? "") : "";
    out.push(`| \`${m.id}\`: ${cell(m.description)} | ${m.area} | ${m.status} | ${by} |`);
  }
  return `${out.join("\n")}\n`;
}

export function renderMutantsJson(r: MutantsReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
