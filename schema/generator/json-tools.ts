// Small helpers for walking generated JSON Schema documents.
export type Json = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const REF_PREFIX = "#/definitions/";

/** Names of the definitions a schema node refers to directly (through `$ref`). */
export function collectRefs(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, into);
  } else if (isJsonObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(REF_PREFIX)) into.add(value.slice(REF_PREFIX.length));
      else if (key !== "definitions") collectRefs(value, into);
    }
  }
  return into;
}

/** The definitions reachable from `roots`, following refs inside `definitions`. */
export function reachable(roots: Iterable<string>, definitions: Record<string, unknown>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name) || !(name in definitions)) continue;
    seen.add(name);
    queue.push(...collectRefs(definitions[name]));
  }
  return seen;
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
