// The mutation report as text (a table per area, survivors, killers), Markdown or JSON.
import { killerName, type Kill, type MutantResult, type MutantsReport } from "./run.ts";

const pct = (score: number | null) => (score === null ? "n/a" : `${score.toFixed(1)}%`);
const short = (text: string, n = 110) => (text.length > n ? `${text.slice(0, n - 1)}…` : text).replaceAll("\n", " ");

function headline(r: MutantsReport): string {
  return `mutants of ${r.implementation}: ${r.killed} killed, ${r.survived} survived, ${r.equivalent} equivalent: score ${pct(r.score)}${r.quick ? " (quick: hinted fixtures only)" : ""}, ${(r.durationMs / 1000).toFixed(0)} s`;
}

/** The property step in one line: its seed, and what the clean run left out. */
function propertiesLine(r: MutantsReport): string | undefined {
  const p = r.properties;
  if (p === undefined) return undefined;
  if (p.clean === undefined) return `properties: seed ${p.seed} (none ran: no mutant survived the corpus)`;
  const { passed, failed } = p.clean;
  const cannot = failed.length ? `; failing without a mutation, so not counted as kills: ${failed.map((f) => f.property).join(", ")}` : "";
  return `properties: seed ${p.seed}, for the corpus's survivors (${passed.length} of ${passed.length + failed.length} pass without a mutation${cannot})`;
}

/** The killer and, for a fixture, the failing step: "exec.cap.exact [3]", "property output-cap/exec". */
const killer = (k: Kill) => ("fixture" in k ? `${k.fixture} [${k.step}]` : killerName(k));

/** What a survivor faced: "28 fixtures ran", "1 fixtures and 6 properties ran; 6 properties did not apply to it". */
function ran(m: MutantResult): string {
  const props = m.propertiesRun !== undefined ? ` and ${m.propertiesRun} properties` : "";
  const skipped = m.propertiesSkipped ? `; ${m.propertiesSkipped} properties that pass on the server did not apply to it (skipped)` : "";
  return `${m.fixturesRun} fixtures${props} ran${skipped}`;
}

export function renderMutantsText(r: MutantsReport): string {
  const out = [headline(r)];
  const props = propertiesLine(r);
  if (props) out.push(props);
  out.push("");
  out.push(`${"area".padEnd(24)}${"killed".padStart(8)}${"survived".padStart(10)}${"equiv.".padStart(8)}${"score".padStart(9)}`);
  for (const a of r.areas) out.push(`${a.area.padEnd(24)}${String(a.killed).padStart(8)}${String(a.survived).padStart(10)}${String(a.equivalent).padStart(8)}${pct(a.score).padStart(9)}`);
  const survivors = r.mutants.filter((m) => m.status === "survived");
  if (survivors.length) {
    out.push("", "survivors (no fixture or property told them from the server):");
    for (const m of survivors) out.push(`  ${m.id} [${m.area}]: ${m.description} (${ran(m)})`);
  }
  const equivalent = r.mutants.filter((m) => m.status === "equivalent");
  if (equivalent.length) {
    out.push("", "equivalent (not counted):");
    for (const m of equivalent) out.push(`  ${m.id}: ${m.reason}`);
  }
  out.push("", "killed by:");
  for (const m of r.mutants) if (m.killedBy) out.push(`  ${m.id.padEnd(34)} ${killer(m.killedBy)} ${short(m.killedBy.message)}`);
  if (r.clean.failed.length) {
    out.push("", `${r.clean.failed.length} fixture(s) failed without a mutation too (not counted as kills): ${r.clean.failed.map((f) => f.fixture).join(", ")}`);
  }
  return `${out.join("\n")}\n`;
}

export function renderMutantsMarkdown(r: MutantsReport): string {
  const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
  const props = propertiesLine(r);
  const out = [`### ${cell(headline(r))}`, "", ...(props ? [cell(props), ""] : []), "| area | killed | survived | equivalent | score |", "|---|---:|---:|---:|---:|"];
  for (const a of r.areas) out.push(`| ${a.area} | ${a.killed} | ${a.survived} | ${a.equivalent} | ${pct(a.score)} |`);
  out.push("", "| mutant | area | outcome | killed by |", "|---|---|---|---|");
  for (const m of r.mutants) {
    const k = m.killedBy;
    const by = k ? ("fixture" in k ? `\`${k.fixture}\` (${cell(k.step)})` : `property \`${k.property}\``) : m.status === "equivalent" ? cell(m.reason ?? "") : "";
    out.push(`| \`${m.id}\`: ${cell(m.description)} | ${m.area} | ${m.status} | ${by} |`);
  }
  return `${out.join("\n")}\n`;
}

export function renderMutantsJson(r: MutantsReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
