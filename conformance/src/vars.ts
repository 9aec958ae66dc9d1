// Variables in fixtures: ${workspace}, ${probe}, ${pathSep}, ${env:NAME} and captures.
// `${probe}` is an argv prefix: an array element that is exactly "${probe}" expands into
// several elements; inside a longer string it expands to the prefix joined by spaces.

export interface Vars {
  /** The fresh temporary directory the server runs in. */
  workspace: string;
  /** The argv prefix that runs the probe program. */
  probe: string[];
  /** Extra named values (e.g. pathSep). */
  extra?: Record<string, string>;
  /** Environment used by ${env:NAME}. */
  env?: Record<string, string | undefined>;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_.:-]*)\}/g;

export class UnknownVariableError extends Error {}

function lookup(name: string, vars: Vars, captures: ReadonlyMap<string, unknown> | undefined): string {
  if (name === "workspace") return vars.workspace;
  if (name === "probe") return vars.probe.join(" ");
  if (name.startsWith("env:")) return vars.env?.[name.slice(4)] ?? "";
  const extra = vars.extra?.[name];
  if (extra !== undefined) return extra;
  if (captures?.has(name)) {
    const v = captures.get(name);
    return typeof v === "string" ? v : JSON.stringify(v);
  }
  throw new UnknownVariableError(`unknown variable \${${name}}`);
}

/** Expands ${...} in a string; `escape` is applied to substituted text (e.g. for regexes). */
export function expandString(
  text: string,
  vars: Vars,
  captures?: ReadonlyMap<string, unknown>,
  escape: (s: string) => string = (s) => s,
): string {
  return text.replace(VAR, (_m, name: string) => escape(lookup(name, vars, captures)));
}

/** Expands variables in every string of a JSON value (for params sent to the server). */
export function expandValue(value: unknown, vars: Vars, captures?: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === "string") {
    // A whole-string reference to a capture keeps the captured JSON type.
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}$/.exec(value);
    if (whole && captures?.has(whole[1]!) && whole[1] !== "workspace" && whole[1] !== "probe") {
      return captures.get(whole[1]!);
    }
    return expandString(value, vars, captures);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (item === "${probe}") out.push(...vars.probe);
      else out.push(expandValue(item, vars, captures));
    }
    return out;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandValue(v, vars, captures)]));
  }
  return value;
}

/** The variable names a value refers to (lint checks they are known). */
export function referencedVariables(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === "string") for (const m of value.matchAll(VAR)) out.add(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => referencedVariables(v, out));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((v) => referencedVariables(v, out));
  return out;
}
