// TypeScript declarations generated from the JSON Schema documents (one file per type,
// importing the types it refers to), so TS consumers get exactly the published contract.
import { compile } from "json-schema-to-typescript";
import { collectRefs, isJsonObject, type Json } from "./json-tools.ts";

const BUNDLE = "app_server_conformance.schemas.json";

/** Replaces `$ref`s by the referenced type's name, which the file imports instead. */
function refsToNames(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(refsToNames);
  if (!isJsonObject(node)) return node;
  if (typeof node.$ref === "string") {
    const { $ref, ...rest } = node;
    return { ...rest, tsType: $ref.replace("#/definitions/", "") };
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, refsToNames(v)]));
}

async function declare(name: string, doc: Json, header: string): Promise<string> {
  const { $schema: _s, $comment: _c, definitions: _d, ...root } = doc;
  const body = await compile({ ...(refsToNames(root) as Json), title: name } as never, name, {
    bannerComment: "",
    declareExternallyReferenced: true,
    format: false,
    additionalProperties: false,
    strictIndexSignatures: false,
  });
  // The compiler re-cases names (W3cTraceContext -> W3CTraceContext); keep the contract's.
  const declared = /export (?:interface|type) (\w+)/.exec(body)?.[1];
  const text = declared && declared !== name ? body.replace(new RegExp(`\\b${declared}\\b`, "g"), name) : body;
  const imports = [...collectRefs(root)]
    .filter((ref) => ref !== name)
    .sort()
    .map((ref) => `import type { ${ref} } from "./${ref}.js";`);
  return [header, ...imports, imports.length > 0 ? "" : undefined, text.trim(), ""].filter((l) => l !== undefined).join("\n");
}

/** `Name.json` documents -> `Name.ts` declarations plus an index. */
export async function buildTypescript(files: Map<string, Json>, header: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const names: string[] = [];
  for (const [file, doc] of files) {
    if (file === BUNDLE) continue;
    const name = file.replace(/\.json$/, "");
    names.push(name);
    out.set(`${name}.ts`, await declare(name, doc, header));
  }
  const index = names.sort().map((name) => `export type * from "./${name}.js";`);
  out.set("index.ts", [header, ...index, ""].join("\n"));
  return out;
}
