// Fixtures cite the rules they check as "codex-app-server-protocol §5.4" (optionally
// "§10.1 #18" or "#3-5" for items of a numbered list). That document is docs/protocol.md;
// this module checks that every cited section and item exists there, so an implementer can
// always read the rule a failure points to.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadedFixture } from "../fixture/load.ts";
import { packageRoot } from "../probe/probe-path.ts";

export const SPEC_DOCUMENT = "codex-app-server-protocol";

export interface SpecCitation {
  /** e.g. "5.6" */
  section: string;
  /** numbered items of that section, e.g. [3, 4, 5] for "#3-5" */
  items: number[];
  /** the citation as written, e.g. "§10.1 #19-20" */
  text: string;
}

/** Sections (by number) and the numbered-list items each one contains. */
export type SpecIndex = Map<string, Set<number>>;

export function protocolDocFile(): string {
  return join(packageRoot(), "docs", "protocol.md");
}

/** Headings like "## 5. …" or "### 5.6 …" open a section; "1. …" lines are its items. */
export function specIndex(markdown: string): SpecIndex {
  const index: SpecIndex = new Map();
  let current: Set<number> | undefined;
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (heading) {
      current = new Set();
      index.set(heading[1]!, current);
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      current = undefined;
      continue;
    }
    const item = /^(\d+)\.\s/.exec(line);
    if (item && current) current.add(Number(item[1]));
  }
  return index;
}

/** The citations of SPEC_DOCUMENT in one spec string (other documents are not checked). */
export function specCitations(spec: string): SpecCitation[] {
  const at = spec.indexOf(SPEC_DOCUMENT);
  if (at < 0) return [];
  const out: SpecCitation[] = [];
  for (const m of spec.slice(at + SPEC_DOCUMENT.length).matchAll(/§(\d+(?:\.\d+)*)(?:\s*#(\d+)(?:\s*-\s*(\d+))?)?/g)) {
    const from = m[2] === undefined ? undefined : Number(m[2]);
    const to = m[3] === undefined ? from : Number(m[3]);
    const items: number[] = [];
    if (from !== undefined && to !== undefined) for (let i = from; i <= Math.max(from, to); i++) items.push(i);
    out.push({ section: m[1]!, items, text: m[0] });
  }
  return out;
}

/** What is wrong with one spec string against the index ([] when every citation exists). */
export function unknownCitations(spec: string | readonly string[], index: SpecIndex): string[] {
  const problems: string[] = [];
  for (const s of typeof spec === "string" ? [spec] : spec) {
    for (const c of specCitations(s)) {
      const items = index.get(c.section);
      if (items === undefined) problems.push(`cites ${SPEC_DOCUMENT} ${c.text}, but docs/protocol.md has no section ${c.section}`);
      else {
        const missing = c.items.filter((i) => !items.has(i));
        if (missing.length) problems.push(`cites ${SPEC_DOCUMENT} ${c.text}, but section ${c.section} of docs/protocol.md has no item ${missing.join(", ")}`);
      }
    }
  }
  return problems;
}

/** Lint problems for fixtures whose `spec` cites sections docs/protocol.md lacks. */
export function lintSpecCitations(fixtures: readonly LoadedFixture[], docFile = protocolDocFile()): { file: string; message: string }[] {
  if (!existsSync(docFile)) return [{ file: docFile, message: "missing: fixtures cite it as the protocol document" }];
  const index = specIndex(readFileSync(docFile, "utf8"));
  return fixtures.flatMap(({ file, fixture }) => unknownCitations(fixture.spec, index).map((message) => ({ file, message: `${fixture.id}: ${message}` })));
}
