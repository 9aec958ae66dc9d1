// The docs describe the kit that ships: every `app-server-conformance <command> --option`
// they show exists (with `--help` as the authority), the option summary in
// docs/conformance.md names real commands and options, and stated corpus sizes are true.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/program.ts";
import { loadFixtures } from "../src/fixture/load.ts";
import { packageRoot } from "../src/probe/probe-path.ts";

const ROOT = packageRoot();
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => join("docs", f))];
const read = (doc: string) => readFileSync(join(ROOT, doc), "utf8");

/** Command lines shown in a document: fenced code (backslash continuations joined) and inline code. */
function shownCommandLines(markdown: string): string[] {
  const out: string[] = [];
  const fences = markdown.split(/^```.*$/m);
  fences.forEach((part, i) => {
    if (i % 2 === 1) out.push(...part.replace(/\\\n\s*/g, " ").split("\n").filter((l) => !/^\s*#/.test(l)));
    else out.push(...[...part.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!));
  });
  return out;
}

function optionNames(cmd: Command): Set<string> {
  return new Set(["--help", ...cmd.options.flatMap((o) => [o.long, o.short].filter((n): n is string => n !== undefined))]);
}

/** What is wrong with one shown invocation ("run --filter x --bogus" → the unknown --bogus). */
function checkInvocation(program: Command, words: string[]): string[] {
  const problems: string[] = [];
  const [name, ...rest] = words;
  const top = program.commands.find((c) => c.name() === name);
  if (!top) return name === undefined || name.startsWith("-") ? [] : [`unknown command ${name}`];
  let cmd: Command = top;
  for (const w of rest) {
    if (/^(#|\||&&|;|>|2>)/.test(w)) break;
    const sub = cmd.commands.find((c) => c.name() === w);
    if (sub) {
      cmd = sub;
      continue;
    }
    if (!w.startsWith("--")) continue;
    const flag = w.replace(/[=[\]|].*$/, "");
    if (flag !== "--" && !optionNames(cmd).has(flag)) problems.push(`${cmd.name()} has no option ${flag}`);
  }
  return problems;
}

describe("docs match the CLI", () => {
  const program = buildProgram();

  it("every shown `app-server-conformance …` invocation names a real command and real options", () => {
    expect(checkInvocation(program, ["run", "--filter", "x", "--bogus"])).toEqual(["run has no option --bogus"]);
    expect(checkInvocation(program, ["schema", "diff", "--upstream", "DIR"])).toEqual([]);
    const problems: string[] = [];
    let shown = 0;
    for (const doc of DOCS) {
      for (const line of shownCommandLines(read(doc))) {
        for (const m of line.matchAll(/(?:^|[\s(])(?:npx\s+)?(?:app-server-conformance|node\s+\S*conformance\/src\/cli\/main\.js)\s+(.*)$/g)) {
          const words = m[1]!.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
          shown++;
          for (const p of checkInvocation(program, words)) problems.push(`${doc}: \`${line.trim()}\`: ${p}`);
        }
      }
    }
    expect(shown).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it("the option summary in docs/conformance.md lists real commands and options", () => {
    const text = read("docs/conformance.md");
    const section = text.slice(text.indexOf("## Options"));
    const block = section.split(/^```.*$/m)[1]!;
    const problems: string[] = [];
    let current: string | undefined;
    for (const line of block.split("\n")) {
      const head = /^([a-z][a-z-]*)\s/.exec(line);
      if (head) current = head[1];
      if (!current) continue;
      const words = [current, ...[...line.slice(head ? head[0].length : 0).matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0])];
      problems.push(...checkInvocation(program, words).map((p) => `${line.trim()}: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it("documents the '!glob' form of --filter", () => {
    expect(read("docs/conformance.md")).toMatch(/--filter '!/);
    const run = program.commands.find((c) => c.name() === "run")!;
    expect(run.options.find((o) => o.long === "--filter")?.description).toContain("!");
  });
});

describe("docs state the corpus size truly", () => {
  it("every 'N fixtures' count in the docs is the size of the corpus", () => {
    const { fixtures } = loadFixtures(join(ROOT, "fixtures"));
    const problems: string[] = [];
    for (const doc of DOCS) {
      // Not a corpus count: a synthetic size ("300 fixtures × 20 runs") or a dated figure ("… at the time").
      for (const m of read(doc).matchAll(/\b(?:all )?(\d{3}) (?:JSONC transcript )?fixtures\b(?! ×| at the time)|\ball (\d{3})\b(?! at the time)/g)) {
        const n = Number(m[1] ?? m[2]);
        if (n !== fixtures.length) problems.push(`${doc}: "${m[0]}" but the corpus has ${fixtures.length}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
