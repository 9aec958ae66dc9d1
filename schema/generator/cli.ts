#!/usr/bin/env node
// `schema:write` and `schema:check`: regenerate the committed contract, or verify it.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkDrift } from "./check.ts";
import { GENERATED_ROOTS, generateAll } from "./files.ts";
import { repoRoot } from "./repo-root.ts";

async function main(command: string | undefined): Promise<number> {
  const root = repoRoot();
  const files = await generateAll();
  if (command === "write") {
    for (const dir of GENERATED_ROOTS) rmSync(join(root, dir), { recursive: true, force: true });
    for (const [file, text] of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    console.log(`schema: wrote ${files.size} files under ${GENERATED_ROOTS.join(" and ")}`);
    return 0;
  }
  if (command === "check") {
    const report = checkDrift(root, files);
    (report.ok ? console.log : console.error)(report.text);
    return report.ok ? 0 : 1;
  }
  console.error("usage: schema <write|check>\n  write  regenerate schema/json and schema/typescript from schema/src\n  check  fail with a diff when the committed files differ from schema/src");
  return command === "--help" || command === "-h" ? 0 : 2;
}

process.exitCode = await main(process.argv[2]);
