// Compares the committed generated files with what the zod source generates now.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describeChange } from "./diff.ts";
import { GENERATED_ROOTS } from "./files.ts";

function listFiles(root: string, dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) listFiles(root, full, out);
    else out.push(relative(root, full).split("\\").join("/"));
  }
  return out;
}

export interface DriftReport {
  ok: boolean;
  text: string;
}

const normalize = (text: string) => text.replace(/\r\n/g, "\n");

export function checkDrift(repoRoot: string, generated: Map<string, string>): DriftReport {
  const onDisk = new Set(GENERATED_ROOTS.flatMap((root) => listFiles(repoRoot, join(repoRoot, root))));
  const problems: string[] = [];
  for (const [file, text] of generated) {
    if (!onDisk.has(file)) {
      problems.push(`${file}: missing (not committed)`);
      continue;
    }
    const committed = normalize(readFileSync(join(repoRoot, file), "utf8"));
    if (committed !== normalize(text)) problems.push(`${file}: differs from the zod source`, ...describeChange(file, committed, text));
  }
  for (const file of [...onDisk].sort()) {
    if (!generated.has(file)) problems.push(`${file}: stale (the zod source no longer generates it)`);
  }
  if (problems.length === 0) return { ok: true, text: `schema: ${generated.size} generated files match the zod source` };
  return {
    ok: false,
    text: ["schema: committed files drifted from schema/src; run `npm run schema:write` and commit.", ...problems].join("\n"),
  };
}
