// Readable differences between committed and freshly generated files: for JSON, the
// paths of the fields that changed; for other text, the differing lines.
import { isJsonObject } from "./json-tools.ts";

export function jsonFieldDiff(before: unknown, after: unknown, path = "", out: string[] = []): string[] {
  if (isJsonObject(before) && isJsonObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const sub = path === "" ? key : `${path}.${key}`;
      if (!(key in after)) out.push(`  - ${sub} removed (was ${JSON.stringify(before[key])})`);
      else if (!(key in before)) out.push(`  + ${sub} added: ${JSON.stringify(after[key])}`);
      else jsonFieldDiff(before[key], after[key], sub, out);
    }
  } else if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => jsonFieldDiff(item, after[i], `${path}[${i}]`, out));
  } else if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push(`  ~ ${path || "(root)"}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  }
  return out;
}

export function lineDiff(before: string, after: string, context = 2, limit = 40): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const lines = [`  @@ line ${start + 1} @@`];
  for (let i = Math.max(0, start - context); i < start; i++) lines.push(`    ${a[i]}`);
  for (let i = start; i <= endA; i++) lines.push(`  - ${a[i]}`);
  for (let i = start; i <= endB; i++) lines.push(`  + ${b[i]}`);
  return lines.length > limit ? [...lines.slice(0, limit), `  ... (${lines.length - limit} more lines)`] : lines;
}

export function describeChange(file: string, committed: string, generated: string): string[] {
  if (file.endsWith(".json")) {
    try {
      const fields = jsonFieldDiff(JSON.parse(committed), JSON.parse(generated));
      if (fields.length > 0) return fields;
    } catch {
      // Not valid JSON on disk: fall back to a line diff.
    }
  }
  return lineDiff(committed, generated);
}
