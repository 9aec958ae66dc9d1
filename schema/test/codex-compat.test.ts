// Compares our generated experimental JSON Schema with the one Codex 0.169.0 generates
// (`codex app-server generate-json-schema --experimental --out DIR`), type by type.
// Set CODEX_SCHEMA_DIR=DIR to run it; .ci/run does.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateAll } from "../generator/files.ts";
import { collectFacts, diffFacts } from "./support/shape-facts.ts";
import { KNOWN_DIFFERENCES } from "./support/codex-known-differences.ts";

const dir = process.env.CODEX_SCHEMA_DIR;
if (!dir) console.warn("[codex-compat] SKIPPED: set CODEX_SCHEMA_DIR to the output of `codex app-server generate-json-schema --experimental`");

type Json = Record<string, unknown>;

function codexDefinitions(root: string): Record<string, Json> {
  const bundle = JSON.parse(readFileSync(join(root, "codex_app_server_protocol.schemas.json"), "utf8")) as { definitions: Record<string, Json> };
  const { v2, ...top } = bundle.definitions;
  return { ...top, ...(v2 as Record<string, Json>) };
}

describe("wire compatibility with Codex 0.169.0", () => {
  it.skipIf(!dir)("every shared type has the same properties, required sets and enum values (CODEX_SCHEMA_DIR)", async () => {
    expect(existsSync(join(dir!, "codex_app_server_protocol.schemas.json")), `no Codex schema bundle in ${dir}`).toBe(true);
    const theirs = codexDefinitions(dir!);
    const generated = await generateAll();
    const ours = JSON.parse(generated.get("schema/json/experimental/app_server_conformance.schemas.json")!) as { definitions: Record<string, Json> };
    const differences: string[] = [];
    const shared: string[] = [];
    for (const [name, def] of Object.entries(ours.definitions)) {
      const other = theirs[name];
      if (other === undefined) continue;
      shared.push(name);
      differences.push(...diffFacts(collectFacts(def, name, (n) => ours.definitions[n]), collectFacts(other, name, (n) => theirs[n])));
    }
    expect(shared.length).toBeGreaterThan(30);
    const unexplained = differences.filter((d) => !KNOWN_DIFFERENCES.some((k) => d.startsWith(k.fact)));
    const stale = KNOWN_DIFFERENCES.filter((k) => !differences.some((d) => d.startsWith(k.fact)));
    expect(unexplained, "differences from Codex with no entry in codex-known-differences.ts").toEqual([]);
    expect(stale.map((k) => k.fact), "known differences that no longer occur").toEqual([]);
  });
});

describe("the shape comparator", () => {
  const none = () => undefined;
  const base = {
    type: "object",
    properties: { a: { type: "string" }, mode: { enum: ["x", "y"] } },
    required: ["a"],
  };
  it("sees a renamed property, a changed required set and a changed enum", () => {
    const renamed = { ...base, properties: { b: { type: "string" }, mode: { enum: ["x", "y"] } }, required: ["b"] };
    const enumChanged = { ...base, properties: { ...base.properties, mode: { enum: ["x", "z"] } } };
    expect(diffFacts(collectFacts(base, "T", none), collectFacts(base, "T", none))).toEqual([]);
    expect(diffFacts(collectFacts(base, "T", none), collectFacts(renamed, "T", none))).toEqual(
      expect.arrayContaining(["T properties: ours=a, mode codex=b, mode", "T required: ours=a codex=b"]),
    );
    expect(diffFacts(collectFacts(base, "T", none), collectFacts(enumChanged, "T", none))).toEqual(["T.mode enum: ours=x, y codex=x, z"]);
  });
});
