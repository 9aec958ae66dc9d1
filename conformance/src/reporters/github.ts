// GitHub Actions: one workflow-command annotation per fixture that fails the run (or only
// warns), placed on the fixture file at the failing step, then the plain closing line.
// Paths are relative to $GITHUB_WORKSPACE (the checkout) when set, else to the cwd.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import process from "node:process";
import { findNodeAtLocation, parseTree } from "jsonc-parser";
import type { FixtureReport, SuiteReport } from "../runner/suite.ts";
import { failedRun, plainClosingLine, stoppedEarlyNote } from "./common.ts";

/** Escaping rules of workflow commands: message data, and property values (file, title). */
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** 1-based line of the step a failure names (an index or a step name), else of the id. */
export function stepLine(text: string, step: string | undefined): number {
  const tree = parseTree(text);
  if (!tree) return 1;
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  const steps = findNodeAtLocation(tree, ["steps"]);
  if (step !== undefined && steps?.children) {
    const byIndex = /^\d+$/.test(step) ? steps.children[Number(step)] : undefined;
    const byName = steps.children.find((s) => findNodeAtLocation(s, ["name"])?.value === step);
    const node = byIndex ?? byName;
    if (node) return lineOf(node.offset);
  }
  const id = findNodeAtLocation(tree, ["id"]);
  return id ? lineOf(id.offset) : 1;
}

function annotation(f: FixtureReport, workspace: string): string | undefined {
  const level = f.outcome === "warn" ? "warning" : ["fail", "error", "flaky", "stale"].includes(f.outcome) ? "error" : undefined;
  if (!level) return undefined;
  const abs = resolve(f.file);
  let line = 1;
  try {
    line = stepLine(readFileSync(abs, "utf8"), failedRun(f)?.failures[0]?.step);
  } catch {
    // an unreadable fixture file still gets its annotation, on line 1
  }
  const title = `${f.id} (${f.obligation}): ${f.outcome}`;
  return `::${level} file=${escapeProperty(relative(workspace, abs))},line=${line},title=${escapeProperty(title)}::${escapeData(f.detail)}`;
}

export function renderGithub(r: SuiteReport, env: NodeJS.ProcessEnv = process.env): string {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const lines = r.fixtures.map((f) => annotation(f, workspace)).filter((l): l is string => l !== undefined);
  for (const e of r.unknownBaselineEntries) {
    lines.push(`::error title=${escapeProperty("stale baseline entry")}::${escapeData(`the baseline lists ${e.fixture}, which is not in the corpus (${e.reason})`)}`);
  }
  if (r.stoppedEarly) lines.push(`::warning title=${escapeProperty("run stopped early")}::${escapeData(stoppedEarlyNote(r).replace(/^; /, ""))}`);
  lines.push(plainClosingLine(r));
  return `${lines.join("\n")}\n`;
}

/**
 * `--out` normally replaces the file; the step summary GitHub gives each step
 * ($GITHUB_STEP_SUMMARY) is shared by every command of the step, so it is appended to.
 */
export function appendsTo(out: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_STEP_SUMMARY !== undefined && env.GITHUB_STEP_SUMMARY !== "" && resolve(out) === resolve(env.GITHUB_STEP_SUMMARY);
}
