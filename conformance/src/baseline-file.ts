// `--update-baseline`: edits the baseline JSONC file in place (jsonc-parser modify /
// applyEdits), so comments and the reasons of entries that survive are kept. Only the
// fixtures of this run are touched: with --filter, entries of other fixtures stay as they are.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type JSONPath, type Node } from "jsonc-parser";
import { judge, truncateMessage, type BaselineEntry } from "./baseline.ts";
import type { FixtureResult } from "./run-fixture.ts";

export const TODO_REASON = "TODO: explain this expected failure (added by --update-baseline)";

export interface BaselineChange {
  added: string[];
  removed: string[];
  updated: string[];
  kept: number;
}

function header(implementation: string): string {
  return [
    `// Expected failures of ${implementation}. Every entry needs a reason.`,
    "// Regenerate with: app-server-conformance run --implementation <descriptor> --update-baseline",
    "[]",
    "",
  ].join("\n");
}

/** The array node that holds the entries (a top-level array, or `{ "entries": [...] }`). */
function entriesNode(root: Node | undefined): { node: Node; path: JSONPath } {
  if (root?.type === "array") return { node: root, path: [] };
  const inner = root ? findNodeAtLocation(root, ["entries"]) : undefined;
  if (inner?.type === "array") return { node: inner, path: ["entries"] };
  throw new Error("a baseline file holds an array of entries (or an object with an `entries` array)");
}

/**
 * Updates `file` from `runs` (the fixtures this run judged; worst run of each).
 * `corpusIds`, when given (a full run), also removes entries for fixtures that no longer exist.
 */
export function updateBaselineFile(file: string, runs: readonly FixtureResult[], implementation: string, corpusIds?: ReadonlySet<string>): BaselineChange {
  let text = existsSync(file) ? readFileSync(file, "utf8") : header(implementation);
  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" } };
  const { node, path } = entriesNode(parseTree(text));
  const existing = (node.children ?? []).map((child) => getNodeValue(child) as BaselineEntry);
  const byId = new Map(runs.map((r) => [r.id, r]));
  const change: BaselineChange = { added: [], removed: [], updated: [], kept: 0 };
  const removals: number[] = [];
  const updates: { index: number; entry: BaselineEntry }[] = [];
  existing.forEach((entry, index) => {
    const run = byId.get(entry.fixture);
    if (!run) {
      if (corpusIds && !corpusIds.has(entry.fixture)) {
        removals.push(index);
        change.removed.push(entry.fixture);
      } else change.kept++;
      return;
    }
    byId.delete(entry.fixture);
    if (run.status === "pass") {
      removals.push(index);
      change.removed.push(entry.fixture);
      return;
    }
    const verdict = judge(run, [entry]);
    if (verdict.kind === "xfail") {
      change.kept++;
      return;
    }
    // It fails differently now: keep the reason, pin the new step and message.
    const first = run.failures[0]!;
    updates.push({ index, entry: { ...entry, step: first.step, message: truncateMessage(first.message) } });
    change.updated.push(entry.fixture);
  });
  for (const { index, entry } of updates) {
    for (const key of ["step", "message"] as const) text = applyEdits(text, modify(text, [...path, index, key], entry[key], fmt));
  }
  for (const index of removals.sort((a, b) => b - a)) text = applyEdits(text, modify(text, [...path, index], undefined, fmt));
  const fresh = [...byId.values()].filter((r) => r.status === "fail").sort((a, b) => a.id.localeCompare(b.id));
  for (const r of fresh) {
    const first = r.failures[0]!;
    const entry: BaselineEntry = { fixture: r.id, step: first.step, reason: TODO_REASON, message: truncateMessage(first.message) };
    text = applyEdits(text, modify(text, [...path, -1], entry, { ...fmt, isArrayInsertion: true }));
    change.added.push(r.id);
  }
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
  return change;
}
