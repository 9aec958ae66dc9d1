// Renders a gate result as text, JSON, Markdown or GitHub workflow commands.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findNodeAtLocation, offsetToPosition, parseTree } from "../../../schema/src/jsonc.ts";
import type { Finding } from "./diff.ts";
import { explain, RULES, type Direction } from "./rules.ts";

export const FORMATS = ["text", "json", "markdown", "github"] as const;
export type Format = (typeof FORMATS)[number];

export interface GateReport {
  command: string;
  old: string;
  new: string;
  findings: Finding[];
  /** true when the gate fails (exit code 1). */
  failed: boolean;
  /** Files findings point into, for annotations: the new bundle, the waiver file. */
  files: { bundle?: string; waivers?: string };
  /** The directory `files` are relative to (default: process.cwd()). */
  cwd?: string;
  notes: string[];
}

export function counts(findings: readonly Finding[]): Record<Finding["severity"], number> {
  const c = { breaking: 0, warning: 0, info: 0, waived: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

const ARROW: Record<Direction, string> = { input: "client->server", output: "server->client" };

/** Why a failing finding fails. */
export function whyOf(f: Finding): string {
  if (f.strict) return "differs from the reference; waive it with a reason if intended";
  if (f.directions.length === 0) return RULES[f.rule].why;
  return explain(f.rule, f.directions);
}

function context(f: Finding): string {
  const parts: string[] = [];
  if (f.methods.length > 0) parts.push(f.methods.join(", "));
  if (f.directions.length > 0) parts.push(f.directions.map((d) => ARROW[d]).join(" & "));
  if (f.experimental) parts.push("experimental");
  return parts.join("; ");
}

function summary(r: GateReport): string {
  const c = counts(r.findings);
  return `${c.breaking} breaking, ${c.warning} warning, ${c.info} info, ${c.waived} waived: ${r.failed ? "FAIL" : "ok"}`;
}

function text(r: GateReport): string {
  const lines = [`schema ${r.command}: ${r.old} -> ${r.new}`];
  for (const note of r.notes) lines.push(`note: ${note}`);
  if (r.findings.length === 0) lines.push("no differences");
  for (const f of r.findings) {
    const label = f.severity === "waived" ? `WAIVED(${f.waivedSeverity})` : f.severity.toUpperCase();
    const ctx = context(f);
    lines.push(`${label.padEnd(16)} ${f.rule.padEnd(28)} ${f.message}${ctx ? `  [${ctx}]` : ""}`);
    if (f.severity === "breaking") lines.push(`${" ".repeat(17)}why: ${whyOf(f)}`);
    if (f.waiver) lines.push(`${" ".repeat(17)}waived: ${f.waiver.reason}`);
  }
  lines.push(summary(r));
  return `${lines.join("\n")}\n`;
}

const mdEscape = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function markdown(r: GateReport): string {
  const lines = [`### Schema ${r.command}: \`${r.old}\` → \`${r.new}\``, "", `**${summary(r)}**`, ""];
  for (const note of r.notes) lines.push(`> ${note}`, "");
  if (r.findings.length > 0) {
    lines.push("| Severity | Rule | Change | Where | Why / waiver |", "| --- | --- | --- | --- | --- |");
    for (const f of r.findings) {
      const sev = f.severity === "waived" ? `waived (${f.waivedSeverity})` : f.severity;
      const why = f.waiver ? `waived: ${f.waiver.reason}` : f.severity === "breaking" ? whyOf(f) : "";
      lines.push(`| ${sev} | \`${f.rule}\` | ${mdEscape(f.message)} | ${mdEscape(context(f))} | ${mdEscape(why)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const escData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escProp = (s: string) => escData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** The line of a JSON path in a JSON(C) file, if it can be found. */
export function lineOf(relFile: string, path: (string | number)[], cwd?: string): number | undefined {
  const file = cwd === undefined ? relFile : resolve(cwd, relFile);
  if (!existsSync(file)) return undefined;
  const textValue = readFileSync(file, "utf8");
  const tree = parseTree(textValue);
  if (tree === undefined) return undefined;
  for (let n = path.length; n > 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return offsetToPosition(textValue, node.offset).line;
  }
  return undefined;
}

/** Where a finding points: file and JSON path inside it. */
export function locationOf(f: Finding, r: GateReport): { file: string; line?: number } | undefined {
  if (f.fixture) return { file: f.fixture.file };
  if (f.rule === "waiver-unused" && r.files.waivers) {
    const index = /\[(\d+)\]$/.exec(f.path)?.[1];
    const line = index === undefined ? undefined : lineOf(r.files.waivers, ["waivers", Number(index)], r.cwd) ?? lineOf(r.files.waivers, [Number(index)], r.cwd);
    return line === undefined ? { file: r.files.waivers } : { file: r.files.waivers, line };
  }
  const bundle = r.files.bundle;
  if (bundle === undefined) return undefined;
  const type = /^[A-Za-z0-9_]+/.exec(f.path)?.[0];
  const field = /^[A-Za-z0-9_]+\.([A-Za-z0-9_]+)/.exec(f.path)?.[1];
  let line: number | undefined;
  const head = f.path.split(" ")[0]!;
  if (f.methods.includes(head)) line = lineOf(bundle, ["x-methods", head], r.cwd);
  else if (type !== undefined) line = lineOf(bundle, field ? ["definitions", type, "properties", field] : ["definitions", type], r.cwd);
  return line === undefined ? { file: bundle } : { file: bundle, line };
}

function github(r: GateReport): string {
  const lines: string[] = [];
  for (const f of r.findings) {
    const level = f.severity === "breaking" ? "error" : f.severity === "warning" ? "warning" : "notice";
    if (level === "notice" && f.severity === "info") continue;
    const loc = locationOf(f, r);
    const props = [loc ? `file=${escProp(loc.file)}` : undefined, loc?.line ? `line=${loc.line}` : undefined, `title=${escProp(`schema ${f.rule}`)}`].filter(Boolean).join(",");
    const why = f.waiver ? ` (waived: ${f.waiver.reason})` : f.severity === "breaking" ? ` (${whyOf(f)})` : "";
    const ctx = context(f);
    lines.push(`::${level} ${props}::${escData(`${f.message}${ctx ? ` [${ctx}]` : ""}${why}`)}`);
  }
  lines.push(`schema ${r.command}: ${summary(r)}`);
  return `${lines.join("\n")}\n`;
}

export function renderReport(r: GateReport, format: Format): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({ command: r.command, old: r.old, new: r.new, failed: r.failed, counts: counts(r.findings), notes: r.notes, findings: r.findings }, null, 2)}\n`;
    case "markdown":
      return markdown(r);
    case "github":
      return github(r);
    default:
      return text(r);
  }
}
