// The rule catalogue. Each rule says how bad a change is for each direction a type
// travels in: `input` (client -> server: request params, client notifications; the
// server must still accept everything old clients send) and `output` (server -> client:
// results, errors, server notifications; old clients must still read what new servers
// send). A type reachable both ways is judged by both columns.
export type Direction = "input" | "output";
export type Severity = "breaking" | "warning" | "info";

export interface RuleSpec {
  readonly title: string;
  readonly input: Severity;
  readonly output: Severity;
  /** Why it breaks (for the input direction, and for output unless whyOutput says otherwise). */
  readonly why: string;
  readonly whyOutput?: string;
}

const both = (severity: Severity) => ({ input: severity, output: severity });

export const RULES = {
  "method-removed": {
    title: "method or notification removed",
    ...both("breaking"),
    why: "old clients still call it",
    whyOutput: "old clients still wait for it",
  },
  "method-added": { title: "method or notification added", ...both("info"), why: "nobody depends on it yet" },
  "method-kind-changed": {
    title: "method changed kind (request/notification/direction)",
    ...both("breaking"),
    why: "peers send or expect a different message",
  },
  promoted: {
    title: "experimental method, field or variant promoted to stable",
    ...both("warning"),
    why: "from now on it is part of the contract; review it as if it were new",
  },
  demoted: {
    title: "stable method, field or variant demoted to experimental",
    ...both("breaking"),
    why: "clients without experimentalApi lose it",
  },
  "field-removed": {
    title: "field removed",
    ...both("breaking"),
    why: "old clients still send it and the server no longer honours it",
    whyOutput: "old clients read a member that is no longer sent",
  },
  "field-added-required": {
    title: "required field added",
    input: "breaking",
    output: "info",
    why: "old clients do not send it",
  },
  "field-added-optional": { title: "optional field added", ...both("info"), why: "absent means what it meant before" },
  "field-now-required": {
    title: "optional field made required",
    input: "breaking",
    output: "info",
    why: "old clients may omit it",
  },
  "field-now-optional": {
    title: "required field made optional",
    input: "info",
    output: "breaking",
    why: "old clients expect it to be present",
  },
  "field-now-nullable": {
    title: "field made nullable",
    input: "info",
    output: "breaking",
    why: "old clients cannot read null",
  },
  "field-now-non-nullable": {
    title: "nullable field no longer accepts null",
    input: "breaking",
    output: "info",
    why: "old clients may send null",
  },
  "tristate-changed": {
    title: "absent/null/value semantics of a tri-state field changed",
    ...both("breaking"),
    why: "an optional+nullable field gives absent and null distinct meanings; changing which states exist changes what either peer means",
  },
  "default-changed": {
    title: "default value changed",
    ...both("breaking"),
    why: "an old client that omits the field now gets a different behaviour",
    whyOutput: "an old client fills in a different value when the server omits it",
  },
  "type-narrowed": {
    title: "JSON type no longer accepted",
    input: "breaking",
    output: "info",
    why: "old clients may send a value of that type",
  },
  "type-widened": {
    title: "JSON type added",
    input: "info",
    output: "breaking",
    why: "old clients cannot read a value of the new type",
  },
  "enum-value-removed": {
    title: "enum value removed",
    input: "breaking",
    output: "info",
    why: "old clients may send it",
  },
  "enum-value-added": {
    title: "enum value added",
    input: "info",
    output: "breaking",
    why: "old clients cannot read it",
  },
  "range-narrowed": {
    title: "value range narrowed (bounds, integer-only, enum introduced)",
    input: "breaking",
    output: "info",
    why: "old clients may send a value outside the new range",
  },
  "range-widened": {
    title: "value range widened (bounds, fractional numbers, enum lifted)",
    input: "info",
    output: "breaking",
    why: "old clients may not handle the new values",
  },
  "variant-removed": {
    title: "union variant removed",
    input: "breaking",
    output: "info",
    why: "old clients may send it",
  },
  "variant-added": {
    title: "union variant added",
    input: "info",
    output: "breaking",
    why: "old clients cannot read it",
  },
  "tag-renamed": {
    title: "tag of a tagged-union variant renamed",
    ...both("breaking"),
    why: "same shape under a new name: neither old peer understands the other",
  },
  "additional-properties-closed": {
    title: "object no longer accepts unknown members",
    input: "breaking",
    output: "info",
    why: "old clients may send members the new schema rejects",
  },
  "additional-properties-opened": {
    title: "object may carry unknown members",
    input: "info",
    output: "warning",
    why: "strict old clients may reject members they do not know",
  },
  "result-unpaired": {
    title: "a request's result type cannot be derived from the schema, so it is not compared",
    ...both("warning"),
    why: "neither the FooParams -> FooResponse convention nor the method name names exactly one result type",
  },
  "type-missing": {
    title: "referenced definition missing",
    ...both("breaking"),
    why: "the schema is incomplete",
  },
  "member-not-camel-case": {
    title: "schema lint: a member name is not camelCase",
    ...both("breaking"),
    why: "the protocol names members in camelCase; a snake_case member is a slip peers must special-case forever once shipped",
  },
  "method-segment-not-camel-case": {
    title: "schema lint: a method name segment is not camelCase",
    ...both("breaking"),
    why: "method names are camelCase segments joined by '/'",
  },
  "fixture-invalid": {
    title: "fixture message no longer valid",
    ...both("breaking"),
    why: "a message the fixture corpus exchanges does not validate against the new schema",
  },
  "waiver-unused": {
    title: "waiver matches nothing",
    ...both("breaking"),
    why: "stale waivers hide future changes; delete it",
  },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, breaking: 2 };
export const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_ORDER[a] >= SEVERITY_ORDER[b] ? a : b);

/** Why a finding of `rule` seen in `directions` is breaking (only the breaking directions). */
export function explain(rule: RuleId, directions: readonly Direction[]): string {
  const spec: RuleSpec = RULES[rule];
  const parts = directions
    .filter((d) => spec[d] === "breaking")
    .map((d) => (d === "output" ? (spec.whyOutput ?? spec.why) : spec.why));
  return [...new Set(parts.length > 0 ? parts : [spec.why])].join("; ");
}
