// The rule engine on realistic input: spelling-independence, direction and stability
// bookkeeping, the real bundle under targeted mutations, and Codex's bundle layout.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { bundleFromDocument, loadBundleFromPath } from "../../src/compat/bundle.ts";
import { loadUpstreamBundle, upstreamBundleFromDocument } from "../../src/compat/layouts/load.ts";
import type { Json, SchemaBundle } from "../../src/compat/model.ts";
import { diffBundles } from "../../src/compat/diff.ts";
import { RULE_IDS } from "../../src/compat/rules.ts";
import { schemaUpstreamDiff } from "../../src/compat/command.ts";
import { bundleWith, EXP, int, nullable, obj, ref, str } from "./support.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const current = () => loadBundleFromPath(join(REPO, "schema", "json"));

/** A deep copy of the real experimental bundle with `edit` applied to its definitions. */
function mutated(edit: (defs: Record<string, Json>, doc: Json) => void): SchemaBundle {
  const doc = structuredClone(current().document);
  edit(doc.definitions as Record<string, Json>, doc);
  return bundleFromDocument(doc, "mutated");
}
const props = (defs: Record<string, Json>, name: string) => defs[name]!.properties as Record<string, Json>;

describe("spelling does not matter", () => {
  const same = (a: Json, b: Json, extra: Record<string, Json> = {}) =>
    expect(diffBundles(bundleWith(a, "both", { definitions: extra }), bundleWith(b, "both", { definitions: extra }))).toEqual([]);

  it("type arrays, anyOf with null and enums with null are the same nullable type", () => {
    same(obj({ a: { type: ["string", "null"] } }), obj({ a: nullable(str) }));
    same(obj({ a: { enum: ["x", null] } }), obj({ a: { anyOf: [{ const: "x" }, { type: "null" }] } }));
  });
  it("a documented-one-by-one enum equals a plain enum", () => {
    same({ type: "string", enum: ["a", "b"] }, { oneOf: [{ type: "string", const: "a", description: "A" }, { type: "string", enum: ["b"] }] });
  });
  it("allOf-wrapped refs, inlined definitions and renamed definitions compare by shape", () => {
    const size = obj({ rows: int, cols: int });
    same(obj({ s: { allOf: [ref("Size")], description: "wrapped" } }), obj({ s: ref("Size") }), { Size: size });
    expect(diffBundles(bundleWith(obj({ s: ref("Size") }), "both", { definitions: { Size: size } }), bundleWith(obj({ s: size }), "both"))).toEqual([]);
    expect(diffBundles(bundleWith(obj({ s: ref("Old") }), "both", { definitions: { Old: size } }), bundleWith(obj({ s: ref("New") }), "both", { definitions: { New: size } }))).toEqual([]);
  });
  it("numeric formats are bounds, and bounds past 2^53 mean unbounded", () => {
    same(obj({ n: { type: "integer", format: "int32" } }), obj({ n: { type: "integer", minimum: -2147483648, maximum: 2147483647 } }));
    same(obj({ n: { type: "integer", format: "int64" } }), obj({ n: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } }));
    same(obj({ n: { type: "integer", format: "uint", minimum: 0.0 } }), obj({ n: { type: "integer", minimum: 0, maximum: 9007199254740991 } }));
  });
  it("string and array constraints are ranges", () => {
    const rules = (a: Json, b: Json, where: "input" | "output") => diffBundles(bundleWith(obj({ v: a }), where), bundleWith(obj({ v: b }), where)).map((f) => `${f.rule} ${f.severity}`);
    expect(rules({ type: "array", items: str }, { type: "array", items: str, minItems: 1 }, "input")).toEqual(["range-narrowed breaking"]);
    expect(rules({ type: "string", maxLength: 10 }, { type: "string", maxLength: 20 }, "output")).toEqual(["range-widened breaking"]);
    expect(rules({ type: "string", pattern: "^a" }, { type: "string", pattern: "^b" }, "input")).toEqual(["range-narrowed breaking", "range-widened info"]);
    expect(rules({ type: "array", items: str, minItems: 0 }, { type: "array", items: str }, "input")).toEqual([]);
  });
  it("descriptions, titles, key order and required order are ignored", () => {
    same(obj({ a: str, b: int }, ["a", "b"], { title: "T" }), { required: ["b", "a"], properties: { b: { ...int, description: "x" }, a: str }, type: "object" });
  });
});

describe("directions and stability", () => {
  it("a type used both ways gets both rule sets", () => {
    const [f] = diffBundles(bundleWith({ type: "string", enum: ["a"] }, "both"), bundleWith({ type: "string", enum: ["a", "b"] }, "both"));
    expect(f).toMatchObject({ rule: "enum-value-added", severity: "breaking", directions: ["input", "output"], path: "T" });
  });
  it("a breaking change inside an experimental method is info, marked experimental", () => {
    const f = diffBundles(bundleWith(obj({ a: str }), "output", { stability: "experimental" }), bundleWith(obj({}), "output", { stability: "experimental" }));
    expect(f).toEqual([expect.objectContaining({ rule: "field-removed", severity: "info", experimental: true, path: "T.a" })]);
  });
  it("a type shared by a stable and an experimental method is judged by the stable one and lists both", () => {
    const methods = { "x/exp": { kind: "clientRequest", params: "Empty", result: "T", stability: "experimental" } } as const;
    const f = diffBundles(bundleWith(obj({ a: str }), "output", { methods }), bundleWith(obj({}), "output", { methods }));
    expect(f).toEqual([expect.objectContaining({ rule: "field-removed", severity: "breaking", experimental: false, methods: ["t/m", "x/exp"] })]);
  });
  it("experimental fields are exempt; promoting one is a warning", () => {
    const before = bundleWith(obj({ a: { ...str, ...EXP } }, []), "input");
    const after = bundleWith(obj({ a: int }, []), "input");
    const f = diffBundles(before, after);
    expect(f.find((x) => x.rule === "promoted")).toMatchObject({ severity: "warning", path: "T.a" });
    expect(f.find((x) => x.rule === "type-narrowed")).toMatchObject({ severity: "info", experimental: true });
  });
  it("promoting a union-typed field is one finding, not one per variant", () => {
    const after = mutated((d) => void delete props(d, "CommandExecParams").permissionProfile!["x-experimental"]);
    expect(diffBundles(current(), after).map((f) => `${f.rule} ${f.severity} ${f.path}`)).toEqual(["promoted warning CommandExecParams.permissionProfile"]);
  });
  it("renaming the tag key of a union (type -> kind) is a tag rename", () => {
    const before = { oneOf: [obj({ type: { const: "a" }, n: int }), obj({ type: { const: "b" } })] };
    const after = { oneOf: [obj({ kind: { const: "a" }, n: int }), obj({ kind: { const: "b" } })] };
    const f = diffBundles(bundleWith(before, "input"), bundleWith(after, "input"));
    expect(f.map((x) => `${x.rule} ${x.severity} ${x.message}`)).toEqual(["tag-renamed breaking T variant type=a renamed to kind=a (at t/m params)", "tag-renamed breaking T variant type=b renamed to kind=b (at t/m params)"]);
  });
  it("recursive types terminate", () => {
    const tree = obj({ children: { type: "array", items: ref("Tree") }, label: str }, ["label"]);
    const tree2 = obj({ children: { type: "array", items: ref("Tree") }, label: int }, ["label"]);
    const f = diffBundles(bundleWith(ref("Tree"), "input", { definitions: { Tree: tree } }), bundleWith(ref("Tree"), "input", { definitions: { Tree: tree2 } }));
    expect(f.map((x) => `${x.rule} ${x.path}`).sort()).toEqual(["type-narrowed Tree.label", "type-widened Tree.label"]);
  });
});

describe("the real bundle under targeted changes", () => {
  it("removing a result field breaks command/exec clients", () => {
    const after = mutated((d) => {
      delete props(d, "CommandExecResponse").stdout;
      d.CommandExecResponse!.required = ["exitCode", "stderr"];
    });
    expect(diffBundles(current(), after)).toEqual([
      expect.objectContaining({ rule: "field-removed", path: "CommandExecResponse.stdout", severity: "breaking", methods: ["command/exec"], directions: ["output"] }),
    ]);
  });
  it("a new output stream value breaks readers of command/exec/outputDelta", () => {
    const after = mutated((d) => void (d.CommandExecOutputStream!.enum as string[]).push("pty"));
    expect(diffBundles(current(), after)).toEqual([
      expect.objectContaining({ rule: "enum-value-added", path: "CommandExecOutputStream", severity: "breaking", methods: ["command/exec/outputDelta"] }),
    ]);
  });
  it("renaming a tag inside the experimental inline permission profile is exempt", () => {
    const after = mutated((d) => {
      const arm = (d.FileSystemPath!.oneOf as Json[])[1]!;
      (arm.properties as Record<string, Json>).type = { type: "string", const: "globPattern" };
    });
    expect(diffBundles(current(), after)).toEqual([
      expect.objectContaining({ rule: "tag-renamed", path: "FileSystemPath", severity: "info", experimental: true, methods: ["command/exec"] }),
    ]);
  });
  it("removing a sandbox policy variant breaks command/exec callers", () => {
    const after = mutated((d) => void (d.SandboxPolicy!.oneOf as Json[]).pop());
    expect(diffBundles(current(), after)).toEqual([
      expect.objectContaining({ rule: "variant-removed", path: "SandboxPolicy", severity: "breaking", directions: ["input"], message: expect.stringContaining("type=workspaceWrite") }),
    ]);
  });
  it("the envelope of a server notification arm is compared too", () => {
    const after = mutated((d) => {
      for (const arm of d.ServerNotification!.anyOf as Json[]) delete (arm.properties as Json).emittedAtMs;
    });
    const f = diffBundles(current(), after);
    expect(f.filter((x) => x.severity === "breaking").map((x) => x.path)).toEqual(["ServerNotification<method=command/exec/outputDelta>.emittedAtMs"]);
    expect(f.filter((x) => x.experimental).length).toBe(2);
  });
  it("stable vs experimental variant: only experimental things disappear (info)", () => {
    const stable = loadBundleFromPath(join(REPO, "schema", "json", "stable"));
    const f = diffBundles(current(), stable);
    expect(f.length).toBeGreaterThan(0);
    expect(f.filter((x) => x.severity !== "info")).toEqual([]);
  });
});

describe("Codex's bundle layout", () => {
  const codexLike = {
    definitions: {
      RequestId: { anyOf: [str, { type: "integer", format: "int64" }] },
      ClientRequest: {
        oneOf: [
          {
            type: "object",
            properties: { id: { $ref: "#/definitions/v2/RequestId" }, method: { type: "string", enum: ["thing/do"] }, params: { $ref: "#/definitions/v2/ThingDoParams" } },
            required: ["id", "method", "params"],
          },
        ],
      },
      ServerNotification: {
        properties: { emittedAtMs: { type: "integer", format: "int64" } },
        oneOf: [{ type: "object", properties: { method: { type: "string", enum: ["thing/done"] }, params: { $ref: "#/definitions/v2/ThingDone" } }, required: ["method", "params"] }],
      },
      v2: {
        RequestId: { anyOf: [str, { type: "integer", format: "int64" }] },
        ThingDoParams: obj({ a: str }),
        ThingDoResponse: obj({ ok: { type: "boolean" } }),
        ThingDone: obj({ code: { type: "integer", format: "int32" } }),
      },
    },
  };
  it("flattens v2, derives the method table and result types by name, merges union-level properties into arms", () => {
    const b = upstreamBundleFromDocument(codexLike, "codex");
    expect(b.methods).toEqual({
      "thing/do": { kind: "clientRequest", params: "ThingDoParams", result: "ThingDoResponse", stability: "stable" },
      "thing/done": { kind: "serverNotification", params: "ThingDone", stability: "stable" },
    });
    const ours = bundleFromDocument(
      {
        definitions: {
          ...structuredClone(b.definitions),
          ServerNotification: {
            anyOf: [
              {
                type: "object",
                properties: { method: { const: "thing/done" }, params: ref("ThingDone"), emittedAtMs: { type: "integer" } },
                required: ["method", "params"],
              },
            ],
          },
        },
      },
      "ours",
    );
    expect(diffBundles(b, ours, { surface: "new", exemptExperimental: false, compareStability: false })).toEqual([]);
  });

  const dir = process.env.CODEX_SCHEMA_DIR ?? join(homedir(), ".cache", "codex-oracle", "schema-exp");
  it.skipIf(!existsSync(join(dir, "codex_app_server_protocol.schemas.json")))("our contract vs Codex 0.169 is clean with the committed upstream waivers", () => {
    const report = schemaUpstreamDiff({ upstream: dir, cwd: REPO });
    expect(report.findings.filter((f) => f.severity !== "waived").map((f) => f.message)).toEqual([]);
    expect(report.failed).toBe(false);
    expect(loadUpstreamBundle(dir).methods["command/exec"]).toMatchObject({ result: "CommandExecResponse" });
  });
});

describe("committed files", () => {
  it("docs/schema-gate.md documents every rule", () => {
    const doc = readFileSync(join(REPO, "docs", "schema-gate.md"), "utf8");
    for (const rule of RULE_IDS) expect(doc, rule).toContain(`| \`${rule}\``);
  });
  it("the baseline is a copy of a bundle with a method table", () => {
    const text = readFileSync(join(REPO, "schema", "baseline", "app_server_conformance.schemas.json"), "utf8");
    expect(Object.keys(bundleFromDocument(JSON.parse(text), "baseline").methods).length).toBeGreaterThan(5);
  });
});
