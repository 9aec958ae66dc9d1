// `--update-baseline`: edits the baseline JSONC file in place (jsonc-parser modify /
// applyEdits), so comments and the reasons of entries that survive are kept. Only the
// fixtures of this run are touched: with --filter, entries of other fixtures stay as they are.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, type JSONPath, type Node } from "jsonc-parser";
import { judge, truncateMessage, type BaselineEntry } from "./baseline.ts";
import type { FixtureResult } from "../runner/run-fixture.ts";

export const TODO_REASON = "TODO: explain this expected failure (added by --update-baseline)";

export interface BaselineChange {
  added: string[];
  removed: string[];
  updated: string[];
  /** Entries this run judged and kept as they are. */
  kept: number;
  /** Entries of fixtures this run did not judge (left alone). */
  untouched: number;
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

/** Widens [start, end) to whole lines when only blanks share those lines with it. */
function wholeLines(text: string, start: number, end: number): [number, number] {
  let a = start;
  while (a > 0 && (text[a - 1] === " " || text[a - 1] === "\t")) a--;
  let b = end;
  while (b < text.length && (text[b] === " " || text[b] === "\t")) b++;
  const lineStart = a === 0 || text[a - 1] === "\n";
  const lineEnd = b === text.length || text[b] === "\n" || text[b] === "\r";
  if (!lineStart || !lineEnd) return [start, end];
  if (text[b] === "\r") b++;
  if (text[b] === "\n") b++;
  return [a, b];
}

/**
 * Removes element `index` of an array and its comma, leaving every comment in place
 * (jsonc-parser's own removal also deletes the comments up to the next element).
 */
function removeElement(text: string, list: Node, index: number): string {
  const items = list.children ?? [];
  const node = items[index]!;
  const end = node.offset + node.length;
  const comma = text.indexOf(",", end);
  const next = items[index + 1];
  if (next !== undefined || (comma >= 0 && comma < list.offset + list.length - 1 && /^[\s,]*$/.test(text.slice(end, comma + 1)))) {
    // Not the last element (or a trailing comma): drop the element and the comma after it.
    const [a, b] = wholeLines(text, node.offset, comma + 1);
    return text.slice(0, a) + text.slice(b);
  }
  const prev = items[index - 1];
  const [a, b] = wholeLines(text, node.offset, end);
  let out = text.slice(0, a) + text.slice(b);
  if (prev !== undefined) {
    const prevComma = out.indexOf(",", prev.offset + prev.length);
    if (prevComma >= 0 && prevComma < a) out = out.slice(0, prevComma) + out.slice(prevComma + 1);
  }
  return out;
}

/** Appends `value` to an array, indented like its last element; nothing else is reformatted. */
function appendElement(text: string, list: Node, value: unknown): string {
  const items = list.children ?? [];
  const last = items[items.length - 1];
  if (last === undefined) {
    const json = JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
    return `${text.slice(0, list.offset + 1)}\n  ${json}\n${text.slice(list.offset + 1).replace(/^\s*/, "")}`;
  }
  const lineStart = text.lastIndexOf("\n", last.offset) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const json = JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
  const at = last.offset + last.length;
  return `${text.slice(0, at)},\n${indent}${json}${text.slice(at)}`;
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
  const change: BaselineChange = { added: [], removed: [], updated: [], kept: 0, untouched: 0 };
  const removals: number[] = [];
  const updates: { index: number; entry: BaselineEntry }[] = [];
  existing.forEach((entry, index) => {
    const run = byId.get(entry.fixture);
    if (!run) {
      if (corpusIds && !corpusIds.has(entry.fixture)) {
        removals.push(index);
        change.removed.push(entry.fixture);
      } else change.untouched++;
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
  for (const index of removals.sort((a, b) => b - a)) text = removeElement(text, entriesNode(parseTree(text)).node, index);
  const fresh = [...byId.values()].filter((r) => r.status === "fail").sort((a, b) => a.id.localeCompare(b.id));
  for (const r of fresh) {
    const first = r.failures[0]!;
    const entry: BaselineEntry = { fixture: r.id, step: first.step, reason: TODO_REASON, message: truncateMessage(first.message) };
    text = appendElement(text, entriesNode(parseTree(text)).node, entry);
    change.added.push(r.id);
  }
  writeFileSync(file, text.endsWith("\n") ? text : `${text}\n`);
  return change;
}
