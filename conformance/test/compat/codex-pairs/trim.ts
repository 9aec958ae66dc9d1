// Trims a real `codex app-server generate-json-schema` output folder to what a test needs,
// keeping its layout (main bundle with nested v2 types, per-type files in v2/):
//   npx deno run -A conformance/test/compat/codex-pairs/trim.ts <generated dir> <out dir> \
//     --methods command/exec,currentTime/read [--arms ThreadItem=imageGeneration,userMessage] [--types SandboxMode]
// Kept: the four method unions with only the listed methods' arms, the envelope is dropped,
// and every definition those arms (and their paired Response types) reach. `--arms` keeps
// only the listed tagged arms of a union definition, so a huge union stays small.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const [src, out, ...rest] = process.argv.slice(2);
const opt = (name: string) => {
  const i = rest.indexOf(name);
  return i < 0 ? [] : rest[i + 1]!.split(",").filter(Boolean);
};
const methods = new Set(opt("--methods"));
const extraTypes = opt("--types");
const armFilters = new Map<string, Set<string>>();
for (const spec of opt("--arms").join(",").split(";").filter(Boolean)) {
  const [name, values] = spec.split("=");
  armFilters.set(name!, new Set(values!.split("+")));
}

const bundle = JSON.parse(readFileSync(join(src!, "codex_app_server_protocol.schemas.json"), "utf8")) as Json;
const top = { ...(bundle.definitions as Json) };
const v2 = (top.v2 ?? {}) as Json;
delete top.v2;
const lookup = (name: string): [Json, "top" | "v2"] | undefined => (name in top ? [top, "top"] : name in v2 ? [v2, "v2"] : undefined);

const tagOf = (arm: unknown): string | undefined => {
  if (!isObj(arm) || !isObj(arm.properties)) return undefined;
  for (const key of ["method", "type", "mode", "kind"]) {
    const p = arm.properties[key];
    if (isObj(p) && Array.isArray(p.enum) && p.enum.length === 1) return String(p.enum[0]);
    if (isObj(p) && "const" in p) return String(p.const);
  }
  return undefined;
};

const UNIONS = ["ClientRequest", "ServerRequest", "ServerNotification", "ClientNotification"];
const kept = new Map<string, Json>();
const queue: string[] = [];
const need = (name: string) => {
  if (!kept.has(name) && lookup(name)) queue.push(name);
};
for (const u of UNIONS) {
  const def = top[u] as Json | undefined;
  if (!def) continue;
  const arms = (def.oneOf as unknown[]).filter((a) => methods.has(tagOf(a) ?? ""));
  kept.set(u, { ...def, oneOf: arms });
  for (const a of arms) {
    const params = JSON.stringify(a).match(/#\/definitions\/(?:v2\/)?([A-Za-z0-9_]+)/g) ?? [];
    for (const r of params) {
      const n = r.split("/").pop()!;
      need(n);
      if (n.endsWith("Params")) need(`${n.slice(0, -6)}Response`);
    }
  }
}
for (const t of extraTypes) need(t);
while (queue.length > 0) {
  const name = queue.pop()!;
  if (kept.has(name)) continue;
  const [where] = lookup(name)!;
  let def = where[name] as Json;
  const filter = armFilters.get(name);
  if (filter && Array.isArray(def.oneOf)) def = { ...def, oneOf: def.oneOf.filter((a) => filter.has(tagOf(a) ?? "")) };
  kept.set(name, def);
  for (const r of JSON.stringify(def).match(/#\/definitions\/(?:v2\/)?([A-Za-z0-9_]+)/g) ?? []) need(r.split("/").pop()!);
}

const outTop: Json = {};
const outV2: Json = {};
for (const [name, def] of kept) (UNIONS.includes(name) || lookup(name)![1] === "top" ? outTop : outV2)[name] = def;
if ("RequestId" in v2 && !("RequestId" in outV2)) outV2.RequestId = v2.RequestId;
mkdirSync(join(out!, "v2"), { recursive: true });
writeFileSync(join(out!, "codex_app_server_protocol.schemas.json"), `${JSON.stringify({ ...bundle, definitions: { ...outTop, v2: outV2 } })}\n`);

// Per-type files for the unions, params and response types (a few, to exercise the agreement check and the per-type reader).
const flat = (node: unknown): unknown => JSON.parse(JSON.stringify(node).replace(/#\/definitions\/v2\//g, "#/definitions/"));
const closure = (name: string, acc = new Set<string>()): Set<string> => {
  for (const r of JSON.stringify(kept.get(name)).match(/#\/definitions\/(?:v2\/)?([A-Za-z0-9_]+)/g) ?? []) {
    const n = r.split("/").pop()!;
    if (!acc.has(n) && kept.has(n)) {
      acc.add(n);
      closure(n, acc);
    }
  }
  return acc;
};
for (const [name, def] of kept) {
  if (!/(Params|Response)$/.test(name) && !UNIONS.includes(name)) continue;
  const defs = Object.fromEntries([...closure(name)].filter((n) => n !== name).map((n) => [n, flat(kept.get(n))]));
  const file = { $schema: "http://json-schema.org/draft-07/schema#", ...(flat(def) as Json), title: name, ...(Object.keys(defs).length ? { definitions: defs } : {}) };
  writeFileSync(join(out!, lookup(name)![1] === "v2" ? "v2" : "", `${name}.json`), `${JSON.stringify(file)}\n`);
}
process.stdout.write(`${out}: ${kept.size} definitions\n`);
