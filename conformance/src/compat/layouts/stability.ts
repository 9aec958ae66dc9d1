// Stability marks from two generations. Codex's generated JSON carries no stability marks:
// the stable generation simply lacks what `--experimental` adds (methods, fields, union
// variants, whole definitions). Comparing the two marks every addition with
// `x-experimental: true`, the mark our own bundles carry, so the rule engine treats both
// layouts alike.
import { EXPERIMENTAL, isJsonObject, literalOf, type Json } from "../model.ts";
import { canonical } from "./generation.ts";

export interface StabilityReport {
  /** Enum values only the experimental generation has (they cannot be marked one by one; judged as stable: over-reporting). */
  experimentalEnumValues: string[];
  /** Stable definitions the experimental generation lacks (unexpected: the experimental one should be a superset). */
  missingFromExperimental: string[];
}

/** A key identifying a union arm across generations: its `$ref`, its literal properties, or its whole body. */
function armKey(arm: unknown): string {
  if (!isJsonObject(arm)) return canonical(arm);
  if (typeof arm.$ref === "string") return `ref:${arm.$ref}`;
  if (isJsonObject(arm.properties)) {
    const lits = Object.entries(arm.properties)
      .map(([k, v]) => [k, literalOf(v)] as const)
      .filter(([, l]) => l !== undefined)
      .map(([k, l]) => `${k}=${JSON.stringify(l!.value)}`)
      .sort();
    if (lits.length > 0) return `lit:${lits.join("&")}`;
  }
  const single = literalOf(arm);
  if (single !== undefined) return `value:${JSON.stringify(single.value)}`;
  return canonical(arm);
}

const mark = (node: unknown): unknown => (isJsonObject(node) ? { ...node, [EXPERIMENTAL]: true } : node);

/** The experimental node with every part the stable node lacks marked experimental. */
function markNode(stable: unknown, exp: unknown, at: string, report: StabilityReport): unknown {
  if (!isJsonObject(stable) || !isJsonObject(exp)) return exp;
  const out: Json = { ...exp };
  if (isJsonObject(exp.properties)) {
    const sProps = isJsonObject(stable.properties) ? stable.properties : {};
    const props: Json = {};
    for (const [name, prop] of Object.entries(exp.properties)) {
      props[name] = name in sProps ? markNode(sProps[name], prop, `${at}.${name}`, report) : mark(prop);
    }
    out.properties = props;
  }
  for (const kw of ["oneOf", "anyOf", "allOf"] as const) {
    const eArms = exp[kw];
    if (!Array.isArray(eArms)) continue;
    const sArms = Array.isArray(stable[kw]) ? (stable[kw] as unknown[]) : [];
    const byKey = new Map(sArms.map((a) => [armKey(a), a]));
    out[kw] = eArms.map((arm) => {
      const match = byKey.get(armKey(arm));
      // allOf parts are not alternatives: a missing part is a change of the part, not an experimental variant.
      return match !== undefined ? markNode(match, arm, at, report) : kw === "allOf" ? arm : mark(arm);
    });
  }
  for (const kw of ["items", "additionalProperties"] as const) {
    if (isJsonObject(exp[kw]) && isJsonObject(stable[kw])) out[kw] = markNode(stable[kw], exp[kw], `${at}[]`, report);
  }
  if (Array.isArray(exp.enum) && Array.isArray(stable.enum)) {
    const known = new Set(stable.enum.map((v) => JSON.stringify(v)));
    for (const v of exp.enum) if (!known.has(JSON.stringify(v))) report.experimentalEnumValues.push(`${at} ${JSON.stringify(v)}`);
  }
  return out;
}

/** The experimental generation's definitions, with what the stable generation lacks marked `x-experimental`. */
export function markExperimental(stable: Record<string, Json>, experimental: Record<string, Json>): { definitions: Record<string, Json>; report: StabilityReport } {
  const report: StabilityReport = { experimentalEnumValues: [], missingFromExperimental: [] };
  const definitions: Record<string, Json> = {};
  for (const [name, def] of Object.entries(experimental)) {
    const s = stable[name];
    // A definition only the experimental generation has is reached only from experimental
    // places (the stable generation is self-contained), so its parts need no marks.
    definitions[name] = s === undefined ? def : (markNode(s, def, name, report) as Json);
  }
  for (const [name, def] of Object.entries(stable)) {
    if (name in experimental) continue;
    report.missingFromExperimental.push(name);
    definitions[name] = def;
  }
  return { definitions, report };
}
