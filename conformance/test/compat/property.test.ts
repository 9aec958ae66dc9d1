// Properties of the engine: every committed schema is identical to itself, and generated
// mutations of the real bundle are seen (both ways round) while cosmetic rewrites are not.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundleFromDocument, loadBundleFromPath } from "../../src/compat/bundle.ts";
import { loadUpstreamBundle } from "../../src/compat/layouts/load.ts";
import type { Json, SchemaBundle } from "../../src/compat/model.ts";
import { diffBundles } from "../../src/compat/diff.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const JSON_DIR = join(REPO, "schema", "json");
const BUNDLE = "app_server_conformance.schemas.json";

/** A per-type schema file as a bundle whose one method sends and returns it. */
function typeFileBundle(file: string): SchemaBundle {
  const { definitions, ...root } = JSON.parse(readFileSync(file, "utf8")) as Json;
  return bundleFromDocument(
    {
      definitions: { ...(definitions as Record<string, Json> | undefined), Root: root },
      "x-methods": { r: { kind: "clientRequest", params: "Root", result: "Root", stability: "stable" } },
    },
    file,
  );
}

describe("diff(x, x) is empty", () => {
  const bundles: Array<[string, () => SchemaBundle]> = [
    ["experimental bundle", () => loadBundleFromPath(join(JSON_DIR, "experimental"))],
    ["stable bundle", () => loadBundleFromPath(join(JSON_DIR, "stable"))],
    ["baseline", () => loadBundleFromPath(join(REPO, "schema", "baseline"))],
  ];
  const codex = process.env.CODEX_SCHEMA_DIR ?? join(homedir(), ".cache", "codex-oracle", "schema-exp");
  if (existsSync(join(codex, "codex_app_server_protocol.schemas.json"))) bundles.push(["Codex upstream bundle", () => loadUpstreamBundle(codex)]);
  for (const [name, load] of bundles) {
    it(`for the ${name}`, () => {
      const b = load();
      // `result-unpaired` says what could not be compared (a request whose result type the
      // gate cannot name): a warning about the input, not a difference, so it may remain.
      const changes = (x: typeof b, y: typeof b) => diffBundles(x, y).filter((f) => f.rule !== "result-unpaired");
      expect(changes(b, b)).toEqual([]);
      expect(changes(b, structuredClone(b))).toEqual([]);
      expect(diffBundles(b, b).every((f) => f.severity === "warning")).toBe(true);
    });
  }
  it("for every committed per-type schema file (stable and experimental)", () => {
    let n = 0;
    for (const variant of ["stable", "experimental"]) {
      for (const name of readdirSync(join(JSON_DIR, variant)).filter((f) => f.endsWith(".json") && f !== BUNDLE)) {
        const b = typeFileBundle(join(JSON_DIR, variant, name));
        expect(diffBundles(b, typeFileBundle(join(JSON_DIR, variant, name))), `${variant}/${name}`).toEqual([]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });
});

// ---- generated mutations of the real bundle -----------------------------------------

const original = loadBundleFromPath(join(JSON_DIR, "experimental"));
const UNIONS = new Set(["ClientRequest", "ClientNotification", "ServerNotification", "JSONRPCMessage"]);
const structs = Object.entries(original.definitions)
  .filter(([name, def]) => !UNIONS.has(name) && typeof def.properties === "object" && Object.keys(def.properties as Json).length > 0)
  .map(([name, def]) => ({ name, props: Object.keys(def.properties as Json) }));
const enums = Object.entries(original.definitions)
  .filter(([, def]) => Array.isArray(def.enum))
  .map(([name]) => name);

type Mutation =
  | { kind: "removeProp" | "toggleRequired" | "retype"; def: string; prop: string }
  | { kind: "addRequired"; def: string }
  | { kind: "addEnumValue"; def: string }
  | { kind: "cosmetic"; seed: number };

const structProp = fc.constantFrom(...structs).chain((s) => fc.record({ def: fc.constant(s.name), prop: fc.constantFrom(...s.props) }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  structProp.map((p) => ({ kind: "removeProp" as const, ...p })),
  structProp.map((p) => ({ kind: "toggleRequired" as const, ...p })),
  structProp.map((p) => ({ kind: "retype" as const, ...p })),
  fc.constantFrom(...structs).map((s) => ({ kind: "addRequired" as const, def: s.name })),
  fc.constantFrom(...enums).map((def) => ({ kind: "addEnumValue" as const, def })),
  fc.integer().map((seed) => ({ kind: "cosmetic" as const, seed })),
);

/** Reorders keys, reverses required lists and adds descriptions: no meaning changes. */
function cosmetic(node: unknown, seed: number, isMap = false): unknown {
  if (Array.isArray(node)) return node.map((x) => cosmetic(x, seed));
  if (typeof node !== "object" || node === null) return node;
  const entries = Object.entries(node as Json).map(([k, v]) => {
    if (isMap) return [k, cosmetic(v, seed)] as const;
    if (k === "required" && Array.isArray(v)) return [k, [...v].reverse()] as const;
    if (k === "enum" || k === "const" || k === "default") return [k, v] as const;
    return [k, cosmetic(v, seed, k === "properties" || k === "definitions")] as const;
  });
  const ordered = seed % 2 === 0 ? entries.reverse() : entries;
  const out = Object.fromEntries(ordered) as Json;
  if (!isMap && ("type" in out || "$ref" in out)) out.description = `note ${seed}`;
  return out;
}

function apply(m: Mutation): SchemaBundle {
  const doc = structuredClone(original.document);
  const defs = doc.definitions as Record<string, Json>;
  if (m.kind === "cosmetic") return bundleFromDocument({ ...doc, definitions: cosmetic(defs, m.seed, true) }, "cosmetic");
  const def = defs[m.def]!;
  const props = def.properties as Record<string, Json>;
  const required = (def.required as string[] | undefined) ?? [];
  switch (m.kind) {
    case "removeProp":
      delete props[m.prop];
      def.required = required.filter((r) => r !== m.prop);
      break;
    case "toggleRequired":
      def.required = required.includes(m.prop) ? required.filter((r) => r !== m.prop) : [...required, m.prop];
      break;
    case "retype":
      props[m.prop] = { type: props[m.prop]?.type === "boolean" ? "string" : "boolean" };
      break;
    case "addRequired":
      props.zzAdded = { type: "string" };
      def.required = [...required, "zzAdded"];
      break;
    case "addEnumValue":
      (def.enum as unknown[]).push("zzAdded");
      break;
  }
  return bundleFromDocument(doc, `mutated ${JSON.stringify(m)}`);
}

describe("generated mutations of the experimental bundle", () => {
  it("diff(m, m) is empty; cosmetic rewrites are invisible; real mutations are seen both ways round", () => {
    fc.assert(
      fc.property(mutation, (m) => {
        const after = apply(m);
        expect(diffBundles(after, after)).toEqual([]);
        const forward = diffBundles(original, after);
        const backward = diffBundles(after, original);
        if (m.kind === "cosmetic") {
          expect(forward).toEqual([]);
          return;
        }
        expect(forward.length, JSON.stringify(m)).toBeGreaterThan(0);
        expect(backward.length, JSON.stringify(m)).toBeGreaterThan(0);
        if (m.kind === "removeProp") {
          expect(forward.map((f) => f.rule)).toContain("field-removed");
          expect(backward.map((f) => f.rule).some((r) => r === "field-added-optional" || r === "field-added-required")).toBe(true);
        }
        if (m.kind === "addEnumValue") {
          expect(forward.map((f) => f.rule)).toContain("enum-value-added");
          expect(backward.map((f) => f.rule)).toContain("enum-value-removed");
        }
      }),
      { numRuns: 200 },
    );
  });
});
