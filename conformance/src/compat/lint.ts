// `schema lint`: the naming rules of a camelCase JSON-RPC protocol, as gate findings
// (so waivers apply). Member names and method segments must be camelCase; snake_case
// leaking in (`file_id`, `thread/start_turn`) is the usual slip. With an old side
// (`--since`), only names the old side did not have are reported, so a project can gate
// new slips without first renaming what already shipped.
import { EXPERIMENTAL, isJsonObject, literalOf, type SchemaBundle } from "./model.ts";
import type { Finding } from "./diff.ts";
import { sortFindings } from "./diff.ts";

export const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/;

interface NameSite {
  rule: "member-not-camel-case" | "method-segment-not-camel-case";
  path: string;
  name: string;
  experimental: boolean;
  methods: string[];
}

const TAGS = ["type", "method", "kind", "mode"];

function armLabel(arm: unknown, index: number): string {
  if (isJsonObject(arm) && isJsonObject(arm.properties)) {
    for (const t of TAGS) {
      const lit = literalOf(arm.properties[t]);
      if (typeof lit?.value === "string") return `<${t}=${lit.value}>`;
    }
  }
  if (isJsonObject(arm) && typeof arm.$ref === "string") return ""; // the referenced definition is linted on its own
  return `<#${index + 1}>`;
}

/** Every member name declared anywhere in a definition (inline objects, arrays, maps, union arms). */
function walk(node: unknown, path: string, experimental: boolean, out: NameSite[]): void {
  if (!isJsonObject(node)) return;
  const exp = experimental || node[EXPERIMENTAL] === true;
  if (isJsonObject(node.properties)) {
    for (const [name, prop] of Object.entries(node.properties)) {
      const propExp = exp || (isJsonObject(prop) && prop[EXPERIMENTAL] === true);
      if (!CAMEL_CASE.test(name)) out.push({ rule: "member-not-camel-case", path: `${path}.${name}`, name, experimental: propExp, methods: [] });
      walk(prop, `${path}.${name}`, propExp, out);
    }
  }
  for (const kw of ["anyOf", "oneOf", "allOf"] as const) {
    const arms = node[kw];
    if (Array.isArray(arms)) arms.forEach((arm, i) => walk(arm, `${path}${armLabel(arm, i)}`, exp, out));
  }
  if (isJsonObject(node.items)) walk(node.items, `${path}[]`, exp, out);
  if (isJsonObject(node.additionalProperties)) walk(node.additionalProperties, `${path}{}`, exp, out);
}

function sites(b: SchemaBundle): NameSite[] {
  const out: NameSite[] = [];
  for (const [name, def] of Object.entries(b.definitions)) walk(def, name, false, out);
  for (const [method, entry] of Object.entries(b.methods)) {
    const bad = method.split("/").filter((seg) => !CAMEL_CASE.test(seg));
    for (const seg of bad) out.push({ rule: "method-segment-not-camel-case", path: method, name: seg, experimental: entry.stability === "experimental", methods: [method] });
  }
  return out;
}

/** Which definitions each method's messages name directly (for the finding's method list). */
function methodsByType(b: SchemaBundle): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [method, e] of Object.entries(b.methods)) {
    for (const t of [e.params, e.result]) if (t !== undefined) out.set(t, [...(out.get(t) ?? []), method]);
  }
  return out;
}

export interface LintOptions {
  /** Report only names the old side does not have. */
  since?: SchemaBundle;
}

export function lintNames(b: SchemaBundle, options: LintOptions = {}): Finding[] {
  const known = options.since === undefined ? undefined : new Set(sites(options.since).map((s) => `${s.rule}\u0000${s.path}`));
  const byType = methodsByType(b);
  const findings: Finding[] = [];
  for (const s of sites(b)) {
    if (known?.has(`${s.rule}\u0000${s.path}`)) continue;
    const type = /^[A-Za-z0-9_]+/.exec(s.path)?.[0] ?? "";
    const what = s.rule === "method-segment-not-camel-case" ? `method ${s.path}: segment "${s.name}"` : `${s.path}: member "${s.name}"`;
    findings.push({
      rule: s.rule,
      path: s.path,
      message: `${what} is not camelCase${s.name.includes("_") ? " (snake_case)" : ""}`,
      // Experimental names may still change before they are stabilised: a warning, not a failure.
      severity: s.experimental ? "warning" : "breaking",
      directions: [],
      methods: s.methods.length > 0 ? s.methods : (byType.get(type) ?? []),
      experimental: s.experimental,
    });
  }
  return sortFindings(findings);
}
