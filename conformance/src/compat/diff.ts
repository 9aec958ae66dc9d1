// The rule engine: compares two schema bundles method by method, following every type a
// method's messages carry, with the direction of travel (see rules.ts) and the stability
// of what it passes through. A type reached from several methods is compared once per
// (direction, experimental) context; its findings list every method that reaches it.
import { EXPERIMENTAL, isJsonObject, methodOfArm, unionArms, type Json, type MethodEntry, type SchemaBundle } from "./model.ts";
import { maxSeverity, RULES, type Direction, type RuleId, type Severity } from "./rules.ts";
import { describeValues, shapeOf, type Alt, type ObjectAlt, type ScalarAlt, type Shape } from "./shape.ts";

export interface Finding {
  rule: RuleId;
  /** Where: a method name, or `Type.field[]{}...` (`<tag=value>` selects a union variant). */
  path: string;
  message: string;
  /** Computed from the rule, the directions it was seen in and exemptions; `waived` if a waiver matched. */
  severity: Severity | "waived";
  /** The severity before a waiver, if waived. */
  waivedSeverity?: Severity;
  directions: Direction[];
  /** Methods (or `(envelope)` roots) whose messages reach this place. */
  methods: string[];
  /** Every observation was inside an experimental method, field or variant (so it does not break anything). */
  experimental: boolean;
  waiver?: { reason: string };
  /** Failing only because strict mode (the upstream comparison) fails every unwaived difference. */
  strict?: boolean;
  /** Extra context, e.g. the fixture file and step for fixture findings. */
  fixture?: { file: string; step: string };
}

export interface DiffOptions {
  /** Experimental methods/fields/variants are exempt (reported as info). Default true. */
  exemptExperimental?: boolean;
  /**
   * `all`: every method of either side; `new`: only the methods of the new side (the
   * upstream comparison: Codex has many methods outside this surface). Default `all`.
   */
  surface?: "all" | "new";
  /**
   * Compare stability marks (promotion/demotion findings). Default true; the upstream
   * comparison turns it off because Codex's generated JSON carries no stability marks.
   */
  compareStability?: boolean;
}

interface Observation {
  direction: Direction;
  exempt: boolean;
}

interface Draft {
  rule: RuleId;
  path: string;
  message: string;
  observations: Observation[];
  methods: Set<string>;
}

interface Frame {
  direction: Direction;
  exempt: boolean;
  method: string;
}

const ENVELOPE_ROOTS: ReadonlyArray<[string, Direction[]]> = [
  ["JSONRPCRequest", ["input"]],
  ["JSONRPCNotification", ["input", "output"]],
  ["JSONRPCResponse", ["output"]],
  ["JSONRPCError", ["output"]],
];

const UNION_OF_KIND: Record<MethodEntry["kind"], string> = {
  clientRequest: "ClientRequest",
  serverRequest: "ServerRequest",
  clientNotification: "ClientNotification",
  serverNotification: "ServerNotification",
};

/** Which way a method's params travel: client requests and notifications in, server requests and notifications out. */
export const directionOfKind = (kind: MethodEntry["kind"]): Direction => (kind === "serverNotification" || kind === "serverRequest" ? "output" : "input");
/** Which way a request's result travels: the opposite of its params. */
const resultDirection = (kind: MethodEntry["kind"]): Direction => (directionOfKind(kind) === "input" ? "output" : "input");
const isRequest = (kind: MethodEntry["kind"]) => kind === "clientRequest" || kind === "serverRequest";

/** The arm of a method-keyed union for `method`, with the union's own properties merged in (Codex puts emittedAtMs there). */
export function methodArm(bundle: SchemaBundle, kind: MethodEntry["kind"], method: string): Json | undefined {
  const union = bundle.definitions[UNION_OF_KIND[kind]];
  const arm = unionArms(union).find((a) => methodOfArm(a) === method);
  if (arm === undefined || !isJsonObject(union)) return arm;
  if (!isJsonObject(union.properties) || union === arm) return arm;
  return {
    ...arm,
    properties: { ...(union.properties as Json), ...(arm.properties as Json) },
    required: [...new Set([...((union.required as string[]) ?? []), ...((arm.required as string[]) ?? [])])],
  };
}

/** promoted = stabilised (experimental -> stable); demoted = turned experimental. */
const verb = (rule: RuleId) => (rule === "promoted" ? "stabilised" : "demoted to experimental");

const fmtPresence = (absent: boolean, nullable: boolean) => [absent ? "absent" : undefined, nullable ? "null" : undefined, "value"].filter(Boolean).join("|");

class Engine {
  readonly drafts = new Map<string, Draft>();
  private readonly stack: Set<Draft>[] = [];
  private readonly memo = new Map<string, Set<Draft>>();
  private readonly active = new Set<string>();
  /** A scratch engine collects findings without reporting them (rename detection). */
  constructor(
    readonly oldB: SchemaBundle,
    readonly newB: SchemaBundle,
    readonly opts: Required<DiffOptions>,
  ) {}

  emit(frame: Frame, rule: RuleId, path: string, message: string, exempt = false): void {
    const key = `${rule}\u0000${path}\u0000${message}`;
    let draft = this.drafts.get(key);
    if (draft === undefined) {
      draft = { rule, path, message, observations: [], methods: new Set() };
      this.drafts.set(key, draft);
    }
    this.observe(draft, frame, exempt);
    for (const set of this.stack) set.add(draft);
  }

  private observe(draft: Draft, frame: Frame, exempt = false): void {
    const obs = { direction: frame.direction, exempt: this.opts.exemptExperimental && (frame.exempt || exempt) };
    if (!draft.observations.some((o) => o.direction === obs.direction && o.exempt === obs.exempt)) draft.observations.push(obs);
    draft.methods.add(frame.method);
  }

  /** Runs `body` once per key and context; later visits re-attribute its findings to the current method. */
  private memoized(key: string, frame: Frame, body: () => void): void {
    const full = `${key}\u0000${frame.direction}\u0000${frame.exempt}`;
    const done = this.memo.get(full);
    if (done !== undefined) {
      for (const d of done) {
        d.methods.add(frame.method);
        for (const set of this.stack) set.add(d);
      }
      return;
    }
    if (this.active.has(full)) return; // recursive type: the outer visit reports it
    this.active.add(full);
    const set = new Set<Draft>();
    this.stack.push(set);
    try {
      body();
    } finally {
      this.stack.pop();
      this.active.delete(full);
    }
    this.memo.set(full, set);
    for (const d of set) for (const s of this.stack) s.add(d);
  }

  // ---- methods ---------------------------------------------------------------------

  run(): void {
    const oldM = this.oldB.methods;
    const newM = this.newB.methods;
    const names = this.opts.surface === "new" ? Object.keys(newM) : [...new Set([...Object.keys(oldM), ...Object.keys(newM)])];
    for (const method of names) {
      const o = oldM[method];
      const n = newM[method];
      if (o === undefined && n !== undefined) {
        this.emit({ direction: directionOfKind(n.kind), exempt: n.stability === "experimental", method }, "method-added", method, `${n.kind} ${method} added (${n.stability})`);
        continue;
      }
      if (o !== undefined && n === undefined) {
        this.emit({ direction: directionOfKind(o.kind), exempt: o.stability === "experimental", method }, "method-removed", method, `${o.kind} ${method} removed`);
        continue;
      }
      if (o === undefined || n === undefined) continue;
      this.compareMethod(method, o, n);
    }
    for (const [name, dirs] of ENVELOPE_ROOTS) {
      const o = this.oldB.definitions[name];
      const n = this.newB.definitions[name];
      if (o === undefined || n === undefined) continue;
      for (const direction of dirs) this.compareNode({ $ref: `#/definitions/${name}` }, { $ref: `#/definitions/${name}` }, { direction, exempt: false, method: "(envelope)" }, name);
    }
  }

  private compareMethod(method: string, o: MethodEntry, n: MethodEntry): void {
    const direction = directionOfKind(n.kind);
    const exempt = o.stability === "experimental" || n.stability === "experimental";
    const frame: Frame = { direction, exempt, method };
    if (o.kind !== n.kind) {
      this.emit({ ...frame, exempt: false }, "method-kind-changed", method, `${method} changed from ${o.kind} to ${n.kind}`);
      return;
    }
    if (this.opts.compareStability && o.stability !== n.stability) {
      const rule: RuleId = n.stability === "stable" ? "promoted" : "demoted";
      this.emit({ ...frame, exempt: false }, rule, method, `${method} ${verb(rule)} (${o.stability} -> ${n.stability})`);
    }
    const oArm = methodArm(this.oldB, o.kind, method);
    const nArm = methodArm(this.newB, n.kind, method);
    const unionName = UNION_OF_KIND[n.kind];
    if (oArm !== undefined && nArm !== undefined) {
      this.compareObject(oArm, nArm, frame, `${unionName}<method=${method}>`, new Set(["method"]));
    } else if (o.params !== undefined || n.params !== undefined) {
      const ref = (name: string | undefined) => (name === undefined ? undefined : { $ref: `#/definitions/${name}` });
      this.compareNode(ref(o.params), ref(n.params), frame, `${method} params`);
    }
    if (!isRequest(n.kind)) return;
    const oWhy = this.oldB.unpaired?.[method];
    const nWhy = this.newB.unpaired?.[method];
    if (oWhy !== undefined || nWhy !== undefined) {
      // Comparing against a guess could hide a change; say that the result is not compared.
      const why = [oWhy && `old: ${oWhy}`, nWhy && `new: ${nWhy}`].filter(Boolean).join("; ");
      this.emit({ ...frame, direction: resultDirection(n.kind) }, "result-unpaired", `${method} result`, `${method} result not compared: ${why}`);
      return;
    }
    if (o.result !== undefined || n.result !== undefined) {
      const oRes = o.result === undefined ? true : { $ref: `#/definitions/${o.result}` };
      const nRes = n.result === undefined ? true : { $ref: `#/definitions/${n.result}` };
      this.compareNode(oRes, nRes, { ...frame, direction: resultDirection(n.kind) }, `${method} result`);
    }
  }

  // ---- nodes ---------------------------------------------------------------------

  compareNode(oNode: unknown, nNode: unknown, frame: Frame, path: string): void {
    const o = shapeOf(oNode, this.oldB);
    const n = shapeOf(nNode, this.newB);
    this.compareShapes(o, n, frame, path, false);
  }

  private compareShapes(o: Shape, n: Shape, frame: Frame, path: string, fieldLevel: boolean): void {
    for (const name of n.missing) this.emit(frame, "type-missing", path, `${path} refers to ${name}, which the new schema does not define`);
    if (o.any && n.any) return;
    if (o.any && !n.any) {
      this.emit(frame, "type-narrowed", path, `${path} accepted any value; now only ${describeShape(n)}`);
      return;
    }
    if (!o.any && n.any) {
      this.emit(frame, "type-widened", path, `${path} was ${describeShape(o)}; now any value`);
      return;
    }
    if (!fieldLevel && o.nullable !== n.nullable) {
      if (n.nullable) this.emit(frame, "type-widened", path, `${path} may now be null`);
      else this.emit(frame, "type-narrowed", path, `${path} no longer accepts null`);
    }
    // Several alternatives under one tag (serde's flattened untagged enums inside a tagged variant):
    // pair them by shape, not by order, so a finding names the alternative that really changed.
    const nAlts = this.pairDuplicates(o.alts, n.alts, frame);
    const removed = [...o.alts.values()].filter((a) => !nAlts.has(a.key));
    const added = [...nAlts.values()].filter((a) => !o.alts.has(a.key));
    // Tagged variants that disappeared under one tag and reappeared under another: renames.
    const renamedNew = new Set<Alt>();
    const renamedOld = new Set<Alt>();
    // Variants are reported on the union definition they belong to, when there is one.
    const where = (a: Alt, b: SchemaBundle) => {
      const def = a.home === undefined ? undefined : b.definitions[a.home];
      return def !== undefined && (Array.isArray(def.oneOf) || Array.isArray(def.anyOf)) ? a.home! : path;
    };
    const via = (at: string) => (at === path ? "" : ` (at ${path})`);
    for (const r of removed) {
      if (r.body.kind !== "object" || r.body.tag === undefined) continue;
      for (const a of added) {
        if (renamedNew.has(a) || a.body.kind !== "object" || a.body.tag === undefined) continue;
        if (this.sameObjectBody(r, a, frame)) {
          renamedNew.add(a);
          renamedOld.add(r);
          const at = where(a, this.newB);
          this.emit(frame, "tag-renamed", at, `${at} variant ${r.key} renamed to ${a.key}${via(at)}`, r.experimental || a.experimental);
          break;
        }
      }
    }
    for (const r of removed) {
      if (renamedOld.has(r)) continue;
      const at = where(r, this.oldB);
      if (r.body.kind === "object" && r.body.tag !== undefined) this.emit(frame, "variant-removed", at, `${at} variant ${r.key} removed${dupNote(r)}${via(at)}`, r.experimental);
      else this.emit(frame, "type-narrowed", path, `${path} no longer accepts ${altName(r)}`, r.experimental);
    }
    for (const a of added) {
      if (renamedNew.has(a)) continue;
      const at = where(a, this.newB);
      if (a.body.kind === "object" && a.body.tag !== undefined) this.emit(frame, "variant-added", at, `${at} variant ${a.key} added${dupNote(a)}${via(at)}`, a.experimental);
      else this.emit(frame, "type-widened", path, `${path} may now be ${altName(a)}`, a.experimental);
    }
    for (const [key, oa] of o.alts) {
      const na = nAlts.get(key);
      if (na !== undefined) this.compareAlts(oa, na, frame, path);
    }
  }

  /** Object-body difference count of two alternatives (0: same shape). */
  private distance(r: Alt, a: Alt, frame: Frame): number {
    if (r.body.kind !== "object" || a.body.kind !== "object") return r.body.kind === a.body.kind ? 0 : Number.MAX_SAFE_INTEGER;
    const scratch = new Engine(this.oldB, this.newB, this.opts);
    const skip = new Set([r.body.tag?.key, a.body.tag?.key].filter((k): k is string => k !== undefined));
    scratch.compareObject(r.body.node, a.body.node, { ...frame, exempt: false }, "", skip);
    return scratch.drafts.size;
  }

  /** The new alternatives re-keyed so that, per tag with several alternatives, each old one meets its closest new one. */
  private pairDuplicates(oAlts: Map<string, Alt>, nAlts: Map<string, Alt>, frame: Frame): Map<string, Alt> {
    const base = (key: string) => key.replace(/#\d+$/, "");
    const group = (m: Map<string, Alt>) => {
      const g = new Map<string, Alt[]>();
      for (const a of m.values()) g.set(base(a.key), [...(g.get(base(a.key)) ?? []), a]);
      return g;
    };
    const oG = group(oAlts);
    const nG = group(nAlts);
    if (![...nG].some(([b, list]) => list.length > 1 || (oG.get(b)?.length ?? 0) > 1)) return nAlts;
    const out = new Map<string, Alt>();
    for (const [b, news] of nG) {
      const olds = oG.get(b) ?? [];
      if (news.length === 1 && olds.length <= 1) {
        out.set(news[0]!.key, news[0]!);
        continue;
      }
      const pairs: [number, Alt, Alt][] = [];
      for (const oa of olds) for (const na of news) pairs.push([this.distance(oa, na, frame), oa, na]);
      pairs.sort((x, y) => x[0] - y[0]);
      const usedO = new Set<Alt>();
      const usedN = new Set<Alt>();
      for (const [, oa, na] of pairs) {
        if (usedO.has(oa) || usedN.has(na)) continue;
        usedO.add(oa);
        usedN.add(na);
        out.set(oa.key, { ...na, key: oa.key });
      }
      let k = olds.length + 1;
      for (const na of news) {
        if (usedN.has(na)) continue;
        let key = `${b}#${k++}`;
        while (oAlts.has(key) || out.has(key)) key = `${b}#${k++}`;
        out.set(key, { ...na, key });
      }
    }
    return out;
  }

  private sameObjectBody(r: Alt, a: Alt, frame: Frame): boolean {
    const scratch = new Engine(this.oldB, this.newB, this.opts);
    const skip = new Set([(r.body as ObjectAlt).tag!.key, (a.body as ObjectAlt).tag!.key]);
    scratch.compareObject((r.body as ObjectAlt).node, (a.body as ObjectAlt).node, { ...frame, exempt: false }, "", skip);
    return scratch.drafts.size === 0;
  }

  private compareAlts(oa: Alt, na: Alt, frame: Frame, path: string): void {
    const exempt = frame.exempt || oa.experimental || na.experimental;
    if (this.opts.compareStability && oa.experimental !== na.experimental && oa.body.kind === "object" && oa.body.tag !== undefined) {
      const rule: RuleId = na.experimental ? "demoted" : "promoted";
      this.emit({ ...frame, exempt: frame.exempt }, rule, `${path}<${oa.key}>`, `${path} variant ${oa.key} ${verb(rule)}`);
    }
    const sub: Frame = { ...frame, exempt };
    const suffix = oa.body.kind === "object" && oa.body.tag !== undefined ? `<${oa.key}>` : "";
    // Reached through the same definition (possibly renamed): report under its (new) name, once.
    if (oa.home !== undefined && na.home !== undefined) {
      const here = `${na.home}${suffix}`;
      this.memoized(`${oa.home}\u0000${na.home}\u0000${oa.key}`, sub, () => this.compareAltBodies(oa, na, sub, here));
      return;
    }
    this.compareAltBodies(oa, na, sub, `${path}${suffix}`);
  }

  private compareAltBodies(oa: Alt, na: Alt, frame: Frame, path: string): void {
    const o = oa.body;
    const n = na.body;
    if (o.kind === "scalar" && n.kind === "scalar") this.compareScalars(o, n, frame, path);
    else if (o.kind === "array" && n.kind === "array") {
      this.bounds(frame, path, "minItems", o.minItems, n.minItems, "maxItems", o.maxItems, n.maxItems);
      this.compareNode(o.items, n.items, frame, `${path}[]`);
    }
    else if (o.kind === "object" && n.kind === "object") {
      const skip = new Set<string>();
      if (o.tag) skip.add(o.tag.key);
      if (n.tag) skip.add(n.tag.key);
      this.compareObject(o.node, n.node, frame, path, skip);
    }
  }

  private compareScalars(o: ScalarAlt, n: ScalarAlt, frame: Frame, path: string): void {
    if (o.values === undefined && n.values !== undefined) {
      this.emit(frame, "range-narrowed", path, `${path} is now restricted to ${describeValues(n.values)}`);
    } else if (o.values !== undefined && n.values === undefined) {
      this.emit(frame, "range-widened", path, `${path} is no longer restricted to ${describeValues(o.values)}`);
      // The old values are all that was ever accepted: narrowing means one of them is now out of bounds
      // (an enum of non-empty strings becoming `minLength: 1` narrows nothing).
      const rejected = [...o.values].filter((v) => !withinScalar(JSON.parse(v) as unknown, n));
      if (rejected.length > 0) this.emit(frame, "range-narrowed", path, `${path} no longer accepts ${describeValues(rejected)}`);
      return;
    } else if (o.values !== undefined && n.values !== undefined) {
      for (const v of o.values) if (!n.values.has(v)) this.emit(frame, "enum-value-removed", path, `${path} value ${v} removed`);
      for (const v of n.values) if (!o.values.has(v)) this.emit(frame, "enum-value-added", path, `${path} value ${v} added`);
      return;
    }
    if (o.type === "string") {
      this.bounds(frame, path, "minLength", o.minLength, n.minLength, "maxLength", o.maxLength, n.maxLength);
      if (o.pattern !== n.pattern) {
        const text = `${path} pattern ${o.pattern ?? "(none)"} -> ${n.pattern ?? "(none)"}`;
        // Two regular expressions are not comparable: a changed pattern counts both ways.
        if (n.pattern !== undefined) this.emit(frame, "range-narrowed", path, text);
        if (o.pattern !== undefined) this.emit(frame, "range-widened", path, text);
      }
    }
    if (o.type !== "number") return;
    if (!o.integer && n.integer) this.emit(frame, "range-narrowed", path, `${path} now accepts integers only`);
    if (o.integer && !n.integer) this.emit(frame, "range-widened", path, `${path} may now be fractional`);
    this.bounds(frame, path, "minimum", o.min, n.min, "maximum", o.max, n.max);
  }

  /** Lower and upper bounds: a higher lower bound or a lower upper bound narrows. */
  private bounds(frame: Frame, path: string, minLabel: string, oMin: number | undefined, nMin: number | undefined, maxLabel: string, oMax: number | undefined, nMax: number | undefined): void {
    const bound = (label: string, ov: number | undefined, nv: number | undefined, tighter: (a: number, b: number) => boolean) => {
      if (ov === nv) return;
      const narrowed = nv !== undefined && (ov === undefined || tighter(nv, ov));
      this.emit(frame, narrowed ? "range-narrowed" : "range-widened", path, `${path} ${label} ${ov ?? "(none)"} -> ${nv ?? "(none)"}`);
    };
    bound(minLabel, oMin, nMin, (a, b) => a > b);
    bound(maxLabel, oMax, nMax, (a, b) => a < b);
  }

  compareObject(o: Json, n: Json, frame: Frame, path: string, skip: ReadonlySet<string>): void {
    const oProps = isJsonObject(o.properties) ? o.properties : {};
    const nProps = isJsonObject(n.properties) ? n.properties : {};
    const oReq = new Set(Array.isArray(o.required) ? (o.required as string[]) : []);
    const nReq = new Set(Array.isArray(n.required) ? (n.required as string[]) : []);
    const names = [...new Set([...Object.keys(oProps), ...Object.keys(nProps)])];
    for (const name of names) {
      if (skip.has(name)) continue;
      const op = oProps[name];
      const np = nProps[name];
      const at = `${path}.${name}`;
      const oExp = isJsonObject(op) && op[EXPERIMENTAL] === true;
      const nExp = isJsonObject(np) && np[EXPERIMENTAL] === true;
      if (op !== undefined && np === undefined) {
        this.emit(frame, "field-removed", at, `${at} removed${oReq.has(name) ? " (was required)" : ""}`, oExp);
        continue;
      }
      if (op === undefined && np !== undefined) {
        if (nReq.has(name)) this.emit(frame, "field-added-required", at, `${at} added as a required field`, nExp);
        else this.emit(frame, "field-added-optional", at, `${at} added (optional)`, nExp);
        continue;
      }
      if (this.opts.compareStability && oExp !== nExp) {
        const rule: RuleId = nExp ? "demoted" : "promoted";
        this.emit(frame, rule, at, `${at} ${verb(rule)} (${oExp ? "experimental" : "stable"} -> ${nExp ? "experimental" : "stable"})`);
      }
      const sub: Frame = { ...frame, exempt: frame.exempt || oExp || nExp };
      const os = shapeOf(op, this.oldB);
      const ns = shapeOf(np, this.newB);
      const oAbsent = !oReq.has(name);
      const nAbsent = !nReq.has(name);
      if (oAbsent && os.nullable && (oAbsent !== nAbsent || os.nullable !== ns.nullable)) {
        this.emit(sub, "tristate-changed", at, `${at} presence ${fmtPresence(oAbsent, os.nullable)} -> ${fmtPresence(nAbsent, ns.nullable)}`);
      } else {
        if (oAbsent && !nAbsent) this.emit(sub, "field-now-required", at, `${at} is now required`);
        if (!oAbsent && nAbsent) this.emit(sub, "field-now-optional", at, `${at} is now optional`);
        if (!os.nullable && ns.nullable) this.emit(sub, "field-now-nullable", at, `${at} may now be null`);
        if (os.nullable && !ns.nullable) this.emit(sub, "field-now-non-nullable", at, `${at} no longer accepts null`);
      }
      const oDef = isJsonObject(op) && "default" in op ? JSON.stringify(op.default) : undefined;
      const nDef = isJsonObject(np) && "default" in np ? JSON.stringify(np.default) : undefined;
      if (oDef !== undefined && nDef !== undefined && oDef !== nDef) this.emit(sub, "default-changed", at, `${at} default ${oDef} -> ${nDef}`);
      this.compareShapes(os, ns, sub, at, true);
    }
    const oAP = o.additionalProperties;
    const nAP = n.additionalProperties;
    if (oAP !== false && nAP === false) this.emit(frame, "additional-properties-closed", path, `${path} no longer accepts unknown members`);
    else if (oAP === false && nAP !== false) this.emit(frame, "additional-properties-opened", path, `${path} may now carry unknown members`);
    else if (isJsonObject(oAP) || isJsonObject(nAP)) this.compareNode(oAP ?? true, nAP ?? true, frame, `${path}{}`);
  }

  findings(): Finding[] {
    const out: Finding[] = [];
    for (const d of this.drafts.values()) {
      const spec = RULES[d.rule];
      let severity: Severity = "info";
      for (const o of d.observations) severity = maxSeverity(severity, o.exempt ? "info" : spec[o.direction]);
      const experimental = d.observations.every((o) => o.exempt);
      out.push({
        rule: d.rule,
        path: d.path,
        message: d.message,
        severity,
        directions: [...new Set(d.observations.map((o) => o.direction))].sort(),
        methods: [...d.methods].sort(),
        experimental,
      });
    }
    return sortFindings(out);
  }
}

/** For one of several alternatives under the same tag: which members tell it apart. */
function dupNote(a: Alt): string {
  if (!a.key.includes("#") || a.body.kind !== "object") return "";
  const req = Array.isArray(a.body.node.required) ? (a.body.node.required as string[]).filter((k) => k !== (a.body as ObjectAlt).tag?.key) : [];
  return ` (another shape under the same tag, requiring ${req.length > 0 ? req.join(", ") : "no further members"})`;
}

/** Whether a literal value satisfies a (non-enum) scalar's bounds, integer-ness and pattern. */
function withinScalar(v: unknown, n: ScalarAlt): boolean {
  if (typeof v === "string") {
    if (n.minLength !== undefined && [...v].length < n.minLength) return false;
    if (n.maxLength !== undefined && [...v].length > n.maxLength) return false;
    if (n.pattern !== undefined) {
      try {
        return new RegExp(n.pattern, "u").test(v);
      } catch {
        return false; // an unreadable pattern: assume the worst (over-report)
      }
    }
    return true;
  }
  if (typeof v === "number") {
    if (n.integer && !Number.isInteger(v)) return false;
    if (n.min !== undefined && v < n.min) return false;
    if (n.max !== undefined && v > n.max) return false;
  }
  return true;
}

function altName(a: Alt): string {
  const b = a.body;
  if (b.kind === "scalar") return b.type === "number" ? (b.integer ? "an integer" : "a number") : `a ${b.type}`;
  if (b.kind === "array") return "an array";
  return b.tag ? `variant ${a.key}` : "an object";
}

function describeShape(s: Shape): string {
  const parts = [...s.alts.values()].map(altName);
  if (s.nullable) parts.push("null");
  return parts.join(" or ") || "nothing";
}

const SEVERITY_RANK: Record<Finding["severity"], number> = { breaking: 0, warning: 1, waived: 2, info: 3 };

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || (a.message < b.message ? -1 : 1),
  );
}

/** Every difference between two bundles, classified by the rules. */
export function diffBundles(oldBundle: SchemaBundle, newBundle: SchemaBundle, options: DiffOptions = {}): Finding[] {
  const engine = new Engine(oldBundle, newBundle, {
    exemptExperimental: options.exemptExperimental ?? true,
    surface: options.surface ?? "all",
    compareStability: options.compareStability ?? true,
  });
  engine.run();
  return engine.findings();
}

export const isBreaking = (f: Finding) => f.severity === "breaking";
