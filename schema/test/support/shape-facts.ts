// Flattens a JSON Schema type into comparable facts (property names, required sets,
// enum values and JSON types, by path) so two generators' output can be compared
// without caring about formatting, titles, descriptions or numeric formats.
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export type Facts = Map<string, string>;

function enumValues(node: Json): unknown[] | undefined {
  if (Array.isArray(node.enum)) return node.enum;
  if ("const" in node) return [node.const];
  return undefined;
}

function types(node: Json): string[] {
  const t = node.type;
  return (Array.isArray(t) ? t : typeof t === "string" ? [t] : []).filter((x) => x !== "null").map(String);
}

const isNullArm = (arm: unknown) => isObj(arm) && (arm.type === "null" || (Array.isArray(arm.enum) && arm.enum.length === 1 && arm.enum[0] === null));

function armKey(arm: unknown, index: number): string {
  if (isObj(arm) && isObj(arm.properties)) {
    for (const tag of ["type", "kind", "method"]) {
      const prop = arm.properties[tag];
      const values = isObj(prop) ? enumValues(prop) : undefined;
      if (values?.length === 1) return `${tag}=${String(values[0])}`;
    }
  }
  if (isObj(arm) && typeof arm.$ref === "string") return `ref:${arm.$ref.split("/").pop()}`;
  if (isObj(arm) && types(arm).length === 1) return `type:${types(arm)[0]}`;
  return `#${index}`;
}

/** Looks up a definition by name, to fold references to plain scalar aliases. */
export type Resolve = (name: string) => unknown;

const isScalarAlias = (def: unknown) =>
  isObj(def) && !("properties" in def) && !("anyOf" in def) && !("oneOf" in def) && !("enum" in def) && types(def).length === 1 && types(def)[0] !== "object";

export function collectFacts(node: unknown, path: string, resolve: Resolve, facts: Facts = new Map()): Facts {
  if (!isObj(node)) return facts;
  if (typeof node.$ref === "string") {
    const name = node.$ref.split("/").pop()!;
    const target = resolve(name);
    if (isScalarAlias(target)) facts.set(`${path} type`, types(target as Json).join("|"));
    else facts.set(`${path} ref`, name);
    return facts;
  }
  const allOf = Array.isArray(node.allOf) && node.allOf.length === 1 ? node.allOf[0] : undefined;
  if (allOf !== undefined) return collectFacts(allOf, path, resolve, facts);
  for (const key of ["anyOf", "oneOf"]) {
    const arms = node[key];
    if (!Array.isArray(arms)) continue;
    const real = arms.filter((arm) => !isNullArm(arm));
    if (real.length === 1) return collectFacts(real[0], path, resolve, facts);
    // A union of bare enums (variants documented one by one) is just an enum.
    const enums = real.map((arm) => (isObj(arm) && !("properties" in arm) ? enumValues(arm) : undefined));
    if (enums.every((values) => values !== undefined)) {
      facts.set(`${path} enum`, enums.flat().map(String).sort().join(", "));
      return facts;
    }
    facts.set(`${path} arms`, real.map(armKey).sort().join(", "));
    real.forEach((arm, i) => collectFacts(arm, `${path}|${armKey(arm, i)}`, resolve, facts));
    return facts;
  }
  const values = enumValues(node);
  if (values) facts.set(`${path} enum`, values.filter((v) => v !== null).map(String).sort().join(", "));
  const t = types(node);
  if (t.length > 0 && !values) facts.set(`${path} type`, t.sort().join("|"));
  if (isObj(node.properties) && Object.keys(node.properties).length > 0) {
    facts.set(`${path} properties`, Object.keys(node.properties).sort().join(", "));
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    facts.set(`${path} required`, [...required].sort().join(", "));
    for (const [name, prop] of Object.entries(node.properties)) collectFacts(prop, `${path}.${name}`, resolve, facts);
  }
  if (isObj(node.items)) collectFacts(node.items, `${path}[]`, resolve, facts);
  if (isObj(node.additionalProperties)) collectFacts(node.additionalProperties, `${path}{}`, resolve, facts);
  return facts;
}

const METHOD_ARM = /\|method=([^.|\s]+)/;

/**
 * Differences as readable lines: `<path> <fact>: ours=<a> codex=<b>`. Method-keyed
 * unions (ClientRequest, ServerNotification) are compared as subsets: the other side
 * may have methods outside this surface, but every method we have must match.
 */
export function diffFacts(ours: Facts, theirs: Facts): string[] {
  const out: string[] = [];
  const ourMethods = new Set([...ours.keys()].map((k) => METHOD_ARM.exec(k)?.[1]).filter((m) => m !== undefined));
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) {
    const a = ours.get(key);
    const b = theirs.get(key);
    const arm = METHOD_ARM.exec(key)?.[1];
    if (arm !== undefined && !ourMethods.has(arm)) continue;
    if (key.endsWith(" arms") && a?.startsWith("method=") && b !== undefined) {
      const theirArms = new Set(b.split(", "));
      const missing = a.split(", ").filter((x) => !theirArms.has(x));
      if (missing.length > 0) out.push(`${key}: codex lacks ${missing.join(", ")}`);
      continue;
    }
    if (a !== b) out.push(`${key}: ours=${a ?? "(none)"} codex=${b ?? "(none)"}`);
  }
  return out.sort();
}
