// A protocol changelog from the gate's findings over consecutive releases: per pair, the
// methods added, removed, stabilised and demoted, and the breaking changes grouped by
// the method whose messages they reach. Text, JSON and Markdown.
import type { Finding } from "./diff.ts";
import type { MethodEntry } from "./model.ts";

export interface PairChangelog {
  old: string;
  new: string;
  counts: { breaking: number; warning: number; info: number };
  added: { method: string; kind: MethodEntry["kind"]; stability: string }[];
  removed: { method: string; kind: MethodEntry["kind"]; experimental: boolean }[];
  stabilised: string[];
  demoted: string[];
  /** Other stabilised/demoted fields and variants (not whole methods). */
  stabilisedParts: string[];
  /** Breaking findings by the methods whose messages they reach (each finding once; long method lists abbreviated). */
  breakingByMethod: Record<string, { rule: string; message: string }[]>;
  /** Requests whose result could not be paired (not compared). */
  unpaired: string[];
  notes: string[];
}

export interface Changelog {
  package: string;
  releases: string[];
  pairs: PairChangelog[];
}

const methodKey = (methods: readonly string[]) =>
  methods.length === 0 ? "(schema)" : methods.length <= 3 ? methods.join(", ") : `${methods.slice(0, 3).join(", ")} and ${methods.length - 3} more`;

const KIND_RE = /^(clientRequest|serverRequest|clientNotification|serverNotification) \S+ added \((stable|experimental)\)$/;

export function pairChangelog(oldName: string, newName: string, findings: readonly Finding[], notes: readonly string[] = []): PairChangelog {
  const out: PairChangelog = {
    old: oldName,
    new: newName,
    counts: { breaking: 0, warning: 0, info: 0 },
    added: [],
    removed: [],
    stabilised: [],
    demoted: [],
    stabilisedParts: [],
    breakingByMethod: {},
    unpaired: [],
    notes: [...notes],
  };
  for (const f of findings) {
    if (f.severity !== "waived") out.counts[f.severity]++;
    const isMethod = f.methods.length === 1 && f.path === f.methods[0];
    if (f.rule === "method-added" && isMethod) {
      const m = KIND_RE.exec(f.message);
      out.added.push({ method: f.path, kind: (m?.[1] ?? "clientRequest") as MethodEntry["kind"], stability: m?.[2] ?? (f.experimental ? "experimental" : "stable") });
    } else if (f.rule === "method-removed" && isMethod) {
      out.removed.push({ method: f.path, kind: (f.message.split(" ")[0] ?? "clientRequest") as MethodEntry["kind"], experimental: f.experimental });
    } else if (f.rule === "promoted") (isMethod ? out.stabilised : out.stabilisedParts).push(f.path);
    else if (f.rule === "demoted" && isMethod) out.demoted.push(f.path);
    else if (f.rule === "result-unpaired") out.unpaired.push(f.methods[0] ?? f.path);
    if (f.severity === "breaking") {
      (out.breakingByMethod[methodKey(f.methods)] ??= []).push({ rule: f.rule, message: f.message });
    }
  }
  out.added.sort((a, b) => (a.method < b.method ? -1 : 1));
  out.removed.sort((a, b) => (a.method < b.method ? -1 : 1));
  out.breakingByMethod = Object.fromEntries(Object.entries(out.breakingByMethod).sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}

const list = (items: readonly string[]) => (items.length === 0 ? "none" : items.join(", "));

function textPair(p: PairChangelog): string[] {
  const lines = [`== ${p.old} -> ${p.new}: ${p.counts.breaking} breaking, ${p.counts.warning} warning, ${p.counts.info} info`];
  const stable = p.added.filter((a) => a.stability === "stable").map((a) => a.method);
  const exp = p.added.filter((a) => a.stability !== "stable").map((a) => a.method);
  lines.push(`  added (stable): ${list(stable)}`);
  lines.push(`  added (experimental): ${list(exp)}`);
  lines.push(`  removed: ${list(p.removed.map((r) => (r.experimental ? `${r.method} (experimental)` : r.method)))}`);
  lines.push(`  stabilised: ${list(p.stabilised)}`);
  if (p.stabilisedParts.length > 0) lines.push(`  stabilised fields/variants: ${list(p.stabilisedParts)}`);
  if (p.demoted.length > 0) lines.push(`  demoted to experimental: ${list(p.demoted)}`);
  const methods = Object.entries(p.breakingByMethod);
  lines.push(`  breaking changes: ${methods.length === 0 ? "none" : `${p.counts.breaking} finding(s)`}`);
  for (const [m, fs] of methods) {
    lines.push(`    ${m}`);
    for (const f of fs) lines.push(`      ${f.rule}: ${f.message}`);
  }
  if (p.unpaired.length > 0) lines.push(`  results not compared (no pairing): ${list(p.unpaired)}`);
  for (const n of p.notes) lines.push(`  note: ${n}`);
  return lines;
}

export function renderChangelogText(c: Changelog): string {
  return `${[`Protocol changelog of ${c.package}: ${c.releases.join(", ")}`, ...c.pairs.flatMap(textPair)].join("\n")}\n`;
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const codeList = (items: readonly string[]) => (items.length === 0 ? "none" : items.map((i) => `\`${i}\``).join(", "));

export function renderChangelogMarkdown(c: Changelog): string {
  const lines = [`# Protocol changelog: ${c.package} ${c.releases[0]} → ${c.releases[c.releases.length - 1]}`, ""];
  lines.push("| Pair | Breaking | Warning | Info | Methods added (stable / experimental) | Removed | Stabilised |", "| --- | --- | --- | --- | --- | --- | --- |");
  for (const p of c.pairs) {
    const st = p.added.filter((a) => a.stability === "stable").length;
    lines.push(`| ${p.old} → ${p.new} | ${p.counts.breaking} | ${p.counts.warning} | ${p.counts.info} | ${st} / ${p.added.length - st} | ${p.removed.length} | ${p.stabilised.length} |`);
  }
  for (const p of c.pairs) {
    lines.push("", `## ${p.old} → ${p.new}`, "");
    lines.push(`- **Added (stable):** ${codeList(p.added.filter((a) => a.stability === "stable").map((a) => a.method))}`);
    lines.push(`- **Added (experimental):** ${codeList(p.added.filter((a) => a.stability !== "stable").map((a) => a.method))}`);
    lines.push(`- **Removed:** ${codeList(p.removed.map((r) => (r.experimental ? `${r.method} (experimental)` : r.method)))}`);
    lines.push(`- **Stabilised:** ${codeList(p.stabilised)}`);
    if (p.stabilisedParts.length > 0) lines.push(`- **Stabilised fields/variants:** ${codeList(p.stabilisedParts)}`);
    if (p.demoted.length > 0) lines.push(`- **Demoted to experimental:** ${codeList(p.demoted)}`);
    if (p.unpaired.length > 0) lines.push(`- **Results not compared (no pairing):** ${codeList(p.unpaired)}`);
    const methods = Object.entries(p.breakingByMethod);
    if (methods.length === 0) lines.push("- **Breaking changes:** none");
    else {
      lines.push(`- **Breaking changes** (${p.counts.breaking} finding(s), by method):`, "", "| Methods | Rule | Change |", "| --- | --- | --- |");
      for (const [m, fs] of methods) for (const f of fs) lines.push(`| ${md(m)} | \`${f.rule}\` | ${md(f.message)} |`);
    }
    for (const n of p.notes) lines.push("", `> ${md(n)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderChangelog(c: Changelog, format: "text" | "json" | "markdown"): string {
  if (format === "json") return `${JSON.stringify(c, null, 2)}\n`;
  if (format === "markdown") return renderChangelogMarkdown(c);
  return renderChangelogText(c);
}
