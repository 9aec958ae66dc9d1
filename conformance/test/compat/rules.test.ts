// The rule table: every rule with a schema pair that breaks and one that does not (or,
// for rules that never break, the reason). Each row builds two tiny bundles around a
// type `T` used as request params (input), as a result (output) or both.
import { describe, expect, it } from "vitest";
import type { SchemaBundle } from "../../src/compat/model.ts";
import { diffBundles, type Finding } from "../../src/compat/diff.ts";
import { RULE_IDS, RULES, type RuleId } from "../../src/compat/rules.ts";
import { bundleWith, EXP, int, methodsBundle, nullable, obj, ref, str, tagged, type Where } from "./support.ts";

interface Example {
  old: SchemaBundle;
  new: SchemaBundle;
  /** The severity the rule's finding must have. */
  severity: "breaking" | "warning" | "info";
}

interface Row {
  rule: RuleId;
  breaking: Example | string;
  compatible: Example | string;
}

const pair = (old: object | undefined, neu: object | undefined, where: Where, severity: Example["severity"], opts: Parameters<typeof bundleWith>[2] = {}): Example => ({
  old: bundleWith(old as never, where, opts),
  new: bundleWith(neu as never, where, opts),
  severity,
});

const stableM = { kind: "clientRequest", params: "Empty", result: "Empty", stability: "stable" } as const;
const expM = { ...stableM, stability: "experimental" } as const;
const noteM = { kind: "serverNotification", params: "Empty", stability: "stable" } as const;

const sizes = obj({ rows: int, cols: int });
/** A request whose result type the reader could not derive. */
function unpairedBundle(stability: "stable" | "experimental"): SchemaBundle {
  const b = methodsBundle({ a: { kind: "clientRequest", params: "Empty", stability } });
  b.unpaired = { a: "no result type found for a" };
  return b;
}
const ROWS: Row[] = [
  {
    rule: "method-removed",
    breaking: { old: methodsBundle({ a: stableM }), new: methodsBundle({}), severity: "breaking" },
    compatible: { old: methodsBundle({ a: expM }), new: methodsBundle({}), severity: "info" },
  },
  {
    rule: "method-added",
    breaking: "adding a method never breaks an old peer",
    compatible: { old: methodsBundle({}), new: methodsBundle({ a: stableM }), severity: "info" },
  },
  {
    rule: "method-kind-changed",
    breaking: { old: methodsBundle({ a: noteM }), new: methodsBundle({ a: { kind: "clientNotification", params: "Empty", stability: "stable" } }), severity: "breaking" },
    compatible: "a message that changes direction or kind always breaks its old peer",
  },
  {
    rule: "promoted",
    breaking: "promotion widens the stable contract; it is flagged (warning) for review, never breaking",
    compatible: { old: methodsBundle({ a: expM }), new: methodsBundle({ a: stableM }), severity: "warning" },
  },
  {
    rule: "demoted",
    breaking: { old: methodsBundle({ a: stableM }), new: methodsBundle({ a: expM }), severity: "breaking" },
    // a field demoted inside an experimental method is exempt
    compatible: pair(obj({ f: str }), obj({ f: { ...str, ...EXP } }), "input", "info", { stability: "experimental" }),
  },
  {
    rule: "field-removed",
    breaking: pair(obj({ a: str, b: str }), obj({ a: str }), "output", "breaking"),
    compatible: pair(obj({ a: str, b: { ...str, ...EXP } }), obj({ a: str }), "output", "info"),
  },
  {
    rule: "field-added-required",
    breaking: pair(obj({ a: str }), obj({ a: str, b: str }), "input", "breaking"),
    compatible: pair(obj({ a: str }), obj({ a: str, b: str }), "output", "info"),
  },
  {
    rule: "field-added-optional",
    breaking: "an optional field is absent for old peers, as before",
    compatible: pair(obj({ a: str }), obj({ a: str, b: str }, ["a"]), "input", "info"),
  },
  {
    rule: "field-now-required",
    breaking: pair(obj({ a: str }, []), obj({ a: str }), "input", "breaking"),
    compatible: pair(obj({ a: str }, []), obj({ a: str }), "output", "info"),
  },
  {
    rule: "field-now-optional",
    breaking: pair(obj({ a: str }), obj({ a: str }, []), "output", "breaking"),
    compatible: pair(obj({ a: str }), obj({ a: str }, []), "input", "info"),
  },
  {
    rule: "field-now-nullable",
    breaking: pair(obj({ a: str }), obj({ a: { type: ["string", "null"] } }), "output", "breaking"),
    compatible: pair(obj({ a: str }), obj({ a: nullable(str) }), "input", "info"),
  },
  {
    rule: "field-now-non-nullable",
    breaking: pair(obj({ a: nullable(str) }), obj({ a: str }), "input", "breaking"),
    compatible: pair(obj({ a: nullable(str) }), obj({ a: str }), "output", "info"),
  },
  {
    rule: "tristate-changed",
    // optional+nullable -> required+nullable: plain subset rules would call this a compatible narrowing of output
    breaking: pair(obj({ a: nullable(str) }, []), obj({ a: nullable(str) }), "output", "breaking"),
    compatible: pair(obj({ a: { ...nullable(str), ...EXP } }, []), obj({ a: { ...nullable(str), ...EXP } }), "output", "info"),
  },
  {
    rule: "default-changed",
    breaking: pair(obj({ a: { type: "boolean", default: false } }, []), obj({ a: { type: "boolean", default: true } }, []), "input", "breaking"),
    compatible: pair(obj({ a: { type: "boolean", default: false, ...EXP } }, []), obj({ a: { type: "boolean", default: true, ...EXP } }, []), "input", "info"),
  },
  {
    rule: "type-narrowed",
    breaking: pair(obj({ a: { type: ["string", "integer"] } }), obj({ a: str }), "input", "breaking"),
    compatible: pair(obj({ a: { type: ["string", "integer"] } }), obj({ a: str }), "output", "info"),
  },
  {
    rule: "type-widened",
    breaking: pair(obj({ a: str }), obj({ a: { anyOf: [str, int] } }), "output", "breaking"),
    compatible: pair(obj({ a: str }), obj({ a: { anyOf: [str, int] } }), "input", "info"),
  },
  {
    rule: "enum-value-removed",
    breaking: pair({ type: "string", enum: ["a", "b"] }, { type: "string", enum: ["a"] }, "input", "breaking"),
    compatible: pair({ type: "string", enum: ["a", "b"] }, { type: "string", enum: ["a"] }, "output", "info"),
  },
  {
    rule: "enum-value-added",
    breaking: pair({ type: "string", enum: ["a"] }, { type: "string", enum: ["a", "b"] }, "output", "breaking"),
    compatible: pair({ type: "string", enum: ["a"] }, { type: "string", enum: ["a", "b"] }, "input", "info"),
  },
  {
    rule: "range-narrowed",
    breaking: pair(obj({ n: { type: "integer", minimum: 0, maximum: 100 } }), obj({ n: { type: "integer", minimum: 0, maximum: 10 } }), "input", "breaking"),
    compatible: pair(obj({ n: { type: "number" } }), obj({ n: { type: "integer" } }), "output", "info"),
  },
  {
    rule: "range-widened",
    breaking: pair(obj({ n: { type: "integer", format: "uint16" } }), obj({ n: { type: "integer", format: "uint32" } }), "output", "breaking"),
    compatible: pair(obj({ s: { type: "string", enum: ["x"] } }), obj({ s: str }), "input", "info"),
  },
  {
    rule: "variant-removed",
    breaking: pair({ oneOf: [tagged("type", "a"), tagged("type", "b", { n: int })] }, { oneOf: [tagged("type", "a")] }, "input", "breaking"),
    compatible: pair({ oneOf: [tagged("type", "a"), tagged("type", "b", { n: int })] }, { oneOf: [tagged("type", "a")] }, "output", "info"),
  },
  {
    rule: "variant-added",
    breaking: pair({ oneOf: [tagged("kind", "a")] }, { oneOf: [tagged("kind", "a"), tagged("kind", "b", { n: int })] }, "output", "breaking"),
    compatible: pair({ oneOf: [tagged("kind", "a")] }, { oneOf: [tagged("kind", "a"), tagged("kind", "b", { n: int })] }, "input", "info"),
  },
  {
    rule: "tag-renamed",
    breaking: pair({ oneOf: [tagged("type", "a"), tagged("type", "glob_pattern", { pattern: str })] }, { oneOf: [tagged("type", "a"), tagged("type", "globPattern", { pattern: str })] }, "input", "breaking"),
    compatible: pair(
      { oneOf: [tagged("type", "a"), tagged("type", "old", { n: int }, EXP)] },
      { oneOf: [tagged("type", "a"), tagged("type", "new", { n: int }, EXP)] },
      "both",
      "info",
    ),
  },
  {
    rule: "additional-properties-closed",
    breaking: pair(obj({ a: str }), obj({ a: str }, ["a"], { additionalProperties: false }), "input", "breaking"),
    compatible: pair(obj({ a: str }), obj({ a: str }, ["a"], { additionalProperties: false }), "output", "info"),
  },
  {
    rule: "additional-properties-opened",
    breaking: "opening an object never breaks a tolerant reader; flagged as a warning for server->client types",
    compatible: pair(obj({ a: str }, ["a"], { additionalProperties: false }), obj({ a: str }), "output", "warning"),
  },
  {
    rule: "result-unpaired",
    breaking: "an unknown result pairing is reported (warning), never silently compared or skipped",
    compatible: { old: unpairedBundle("stable"), new: unpairedBundle("stable"), severity: "warning" },
  },
  {
    rule: "type-missing",
    breaking: pair(obj({ s: ref("Size") }), obj({ s: ref("Gone") }), "input", "breaking", { definitions: { Size: sizes } }),
    compatible: "a dangling reference is never compatible",
  },
];

// tested in fixtures.test.ts / waivers.test.ts / lint.test.ts
const EXTERNAL_RULES: RuleId[] = ["fixture-invalid", "waiver-unused", "member-not-camel-case", "method-segment-not-camel-case"];

function findingsOf(rule: RuleId, ex: Example): { mine: Finding[]; all: Finding[] } {
  const all = diffBundles(ex.old, ex.new);
  return { mine: all.filter((f) => f.rule === rule), all };
}

describe("rule table: a breaking and a compatible schema pair per rule", () => {
  it("covers every rule of the catalogue", () => {
    expect([...ROWS.map((r) => r.rule), ...EXTERNAL_RULES].sort()).toEqual([...RULE_IDS].sort());
  });

  for (const row of ROWS) {
    describe(row.rule, () => {
      if (typeof row.breaking === "string") {
        it(`never breaking: ${row.breaking}`, () => {
          expect([RULES[row.rule].input, RULES[row.rule].output]).not.toContain("breaking");
        });
      }
      else {
        const ex = row.breaking;
        it(`breaking example is reported as ${ex.severity}`, () => {
          const { mine, all } = findingsOf(row.rule, ex);
          expect(mine.length, JSON.stringify(all, null, 1)).toBeGreaterThan(0);
          expect(mine.map((f) => f.severity)).toContain(ex.severity);
          expect(all.some((f) => f.severity === "breaking")).toBe(true);
        });
      }
      if (typeof row.compatible === "string") {
        it(`always breaking outside experimental surface: ${row.compatible}`, () => {
          expect([RULES[row.rule].input, RULES[row.rule].output]).toEqual(["breaking", "breaking"]);
        });
      }
      else {
        const ex = row.compatible;
        it(`compatible example is reported as ${ex.severity} and breaks nothing`, () => {
          const { mine, all } = findingsOf(row.rule, ex);
          expect(mine.length, JSON.stringify(all, null, 1)).toBeGreaterThan(0);
          expect(mine.every((f) => f.severity === ex.severity), JSON.stringify(mine, null, 1)).toBe(true);
          expect(all.filter((f) => f.severity === "breaking"), JSON.stringify(all, null, 1)).toEqual([]);
        });
      }
    });
  }
});
