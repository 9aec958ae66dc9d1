// One generator output folder ("a generation"), whatever its layout, as a flat set of
// definitions. Layouts seen in Codex releases 0.120.0 ... 0.171.0 (`codex app-server
// generate-json-schema [--experimental] --out DIR`) and in ours:
//   - a main bundle (`codex_app_server_protocol.schemas.json`: top-level definitions plus
//     the v2 types nested under `definitions.v2`, referred to as `#/definitions/v2/X`);
//   - a flat v2 bundle (`codex_app_server_protocol.v2.schemas.json`: v2 types plus the
//     ClientRequest/ServerNotification unions, without ServerRequest, ClientNotification,
//     the JSON-RPC envelope and the v1 types);
//   - one file per type (top level, `v1/`, `v2/`), each a standalone schema whose root is
//     the type and whose `definitions` hold copies of what it refers to;
//   - ours: `app_server_conformance.schemas.json` with an `x-methods` table and per-type files.
// When a bundle and per-type files are both present they must agree, or the folder is
// refused (a half-written or hand-edited folder would otherwise be judged half-read).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { BUNDLE_FILE as OUR_BUNDLE, BundleError, isJsonObject, UPSTREAM_BUNDLE_FILE as CODEX_BUNDLE, type Json } from "../model.ts";

export const CODEX_V2_BUNDLE = "codex_app_server_protocol.v2.schemas.json";
const BUNDLES = new Set([CODEX_BUNDLE, CODEX_V2_BUNDLE, OUR_BUNDLE]);

export type Layout = "codex-bundle" | "codex-v2-bundle" | "codex-per-type" | "ours";

export interface Generation {
  /** The folder or file read. */
  location: string;
  layout: Layout;
  /** The bundle file read, when there is one (for annotations). */
  file?: string;
  definitions: Record<string, Json>;
  /** Our `x-methods` table, when present (Codex derives methods from the unions). */
  xMethods?: unknown;
  /** The raw document (for our bundles: as written). */
  document: Json;
  notes: string[];
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new BundleError(`${file}: not readable JSON (${(e as Error).message})`);
  }
}

/** Rewrites `#/definitions/v2/X` refs to `#/definitions/X` (Codex nests v2 types in its main bundle). */
export function flattenRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(flattenRefs);
  if (!isJsonObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(/^#\/definitions\/(?:v2\/)+/, "#/definitions/");
    else out[key] = flattenRefs(value);
  }
  return out;
}

/** The main bundle's definitions, v2 flattened in. Where both levels define a name (RequestId, AbsolutePathBuf) the top-level copy wins. */
export function flattenCodexDefinitions(raw: Json): Record<string, Json> {
  const { v2, ...top } = raw;
  const merged: Record<string, Json> = {};
  for (const [name, def] of Object.entries(isJsonObject(v2) ? v2 : {})) if (isJsonObject(def)) merged[name] = flattenRefs(def) as Json;
  for (const [name, def] of Object.entries(top)) if (isJsonObject(def)) merged[name] = flattenRefs(def) as Json;
  return merged;
}

/** Per-type files of a folder: `*.json` at the top and in `v1/`, `v2/` (bundles excluded). */
export function perTypeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ["", "v1", "v2"]) {
    const d = join(dir, sub);
    if (!existsSync(d) || !statSync(d).isDirectory()) continue;
    for (const name of readdirSync(d).sort()) {
      if (name.endsWith(".json") && !BUNDLES.has(name) && statSync(join(d, name)).isFile()) out.push(join(d, name));
    }
  }
  return out;
}

// ---- canonical form (for the bundle/per-type agreement check) -----------------------------

const DROP_AT_ROOT = new Set(["$schema", "$comment", "definitions"]);
/** Keywords whose value is a map of names to schemas (their keys are names, not keywords). */
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "definitions", "$defs"]);

/**
 * Key-order-independent JSON of a definition; root `$schema`, `$comment`, `definitions`
 * dropped, and every `title` (generators write different titles for the same type in a
 * bundle and in a per-type file, e.g. `v2::LoginAccountParamsType`; titles are not wire shape).
 */
export function canonical(node: unknown, root = true, map = false): string {
  if (Array.isArray(node)) return `[${node.map((n) => canonical(n, false)).join(",")}]`;
  if (!isJsonObject(node)) return JSON.stringify(node);
  const keys = Object.keys(node)
    .filter((k) => map || (k !== "title" && !(root && DROP_AT_ROOT.has(k))))
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(node[k], false, !map && SCHEMA_MAPS.has(k))}`).join(",")}}`;
}

const normRef = (ref: string) => ref.replace(/^#\/definitions\/(?:v2\/)+/, "#/definitions/");

/** Structural equality under the same rules as `canonical` (titles ignored, v2 refs flattened), without building strings. */
export function sameSchema(a: unknown, b: unknown, root = true, map = false): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameSchema(a[i], b[i], false)) return false;
    return true;
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false; // equal primitives were caught by ===
  const skip = (k: string) => !map && (k === "title" || (root && DROP_AT_ROOT.has(k)));
  let counted = 0;
  for (const k in a) {
    if (skip(k)) continue;
    counted++;
    if (!Object.hasOwn(b, k)) return false;
    const x = a[k];
    const y = b[k];
    if (!map && k === "$ref" && typeof x === "string" && typeof y === "string") {
      if (x !== y && normRef(x) !== normRef(y)) return false;
    } else if (!sameSchema(x, y, false, !map && SCHEMA_MAPS.has(k))) return false;
  }
  for (const k in b) if (!skip(k)) counted--;
  return counted === 0;
}

/** The first place two canonical strings differ, for the error message. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 40);
  return `bundle …${a.slice(from, i + 40)}… vs file …${b.slice(from, i + 40)}…`;
}

/**
 * Refuses a folder whose per-type files disagree with its bundle: each file's root must
 * equal the bundle's definition of that name, and each copy in its `definitions` must
 * equal the bundle's definition too. Types the bundle lacks are allowed only for the v2
 * bundle (it omits the v1 and server-request types by design).
 */
export function checkAgreement(definitions: Record<string, Json>, files: readonly string[], bundleFile: string, allowMissing: boolean): void {
  const problems: string[] = [];
  for (const file of files) {
    const raw = readJson(file);
    if (!isJsonObject(raw)) {
      problems.push(`${file}: not a JSON Schema object`);
      continue;
    }
    const name = basename(file, ".json");
    const nested = isJsonObject(raw.definitions) ? raw.definitions : {};
    const pairs: [string, unknown][] = [[name, raw], ...Object.entries(nested)];
    for (const [defName, def] of pairs) {
      if (!(defName in definitions)) {
        if (!allowMissing) problems.push(`${file}: defines ${defName}, which ${basename(bundleFile)} does not`);
        continue;
      }
      if (!sameSchema(definitions[defName], def)) {
        problems.push(`${file}: ${defName} differs from ${basename(bundleFile)} (${firstDifference(canonical(definitions[defName]), canonical(flattenRefs(def)))})`);
      }
    }
    if (problems.length >= 5) break;
  }
  if (problems.length > 0) {
    throw new BundleError(`per-type files disagree with the bundle; refusing to read a half-consistent folder:\n  ${problems.join("\n  ")}`);
  }
}

// ---- readers ------------------------------------------------------------------------------

function readCodexBundle(dir: string, file: string, layout: "codex-bundle" | "codex-v2-bundle", check: boolean): Generation {
  const raw = readJson(file);
  if (!isJsonObject(raw) || !isJsonObject(raw.definitions)) throw new BundleError(`${file}: not a schema bundle (no definitions)`);
  const definitions = flattenCodexDefinitions(raw.definitions);
  const notes: string[] = [];
  if (layout === "codex-v2-bundle") {
    notes.push(`${dir}: only the v2 bundle; it has no ServerRequest, ClientNotification, JSON-RPC envelope or v1 types, so those are not compared`);
  }
  const files = perTypeFiles(dir);
  if (check && files.length > 0) checkAgreement(definitions, files, file, layout === "codex-v2-bundle");
  return { location: dir, layout, file, definitions, document: { ...raw, definitions }, notes };
}

function readPerType(dir: string, files: readonly string[]): Generation {
  const definitions: Record<string, Json> = {};
  const clash: string[] = [];
  const put = (name: string, def: Json, from: string) => {
    const existing = definitions[name];
    if (existing !== undefined && canonical(existing) !== canonical(def)) clash.push(`${name} (${from})`);
    definitions[name] = def;
  };
  for (const file of files) {
    const raw = readJson(file);
    if (!isJsonObject(raw)) throw new BundleError(`${file}: not a JSON Schema object`);
    const name = basename(file, ".json");
    for (const [n, def] of Object.entries(isJsonObject(raw.definitions) ? flattenCodexDefinitions(raw.definitions) : {})) put(n, def, file);
    const { definitions: _nested, ...root } = flattenRefs(raw) as Json;
    put(name, root, file);
  }
  if (clash.length > 0) throw new BundleError(`${dir}: per-type files disagree with each other on ${clash.slice(0, 5).join(", ")}`);
  return { location: dir, layout: "codex-per-type", definitions, document: { definitions }, notes: [`${dir}: no bundle; assembled from ${files.length} per-type files`] };
}

export interface ReadOptions {
  /** Check per-type files against the bundle (default true). */
  checkAgreement?: boolean;
}

/** Is this folder (or file) a Codex generation? */
export function isCodexLocation(location: string): boolean {
  if (!existsSync(location)) return false;
  if (statSync(location).isFile()) return [CODEX_BUNDLE, CODEX_V2_BUNDLE].includes(basename(location));
  return existsSync(join(location, CODEX_BUNDLE)) || existsSync(join(location, CODEX_V2_BUNDLE)) || existsSync(join(location, "ClientRequest.json")) && !existsSync(join(location, OUR_BUNDLE));
}

/** Reads one Codex generation: a generated folder (any release's layout) or one of its bundle files. */
export function readCodexGeneration(location: string, options: ReadOptions = {}): Generation {
  const check = options.checkAgreement ?? true;
  if (!existsSync(location)) throw new BundleError(`${location}: does not exist`);
  if (statSync(location).isFile()) {
    const layout = basename(location) === CODEX_V2_BUNDLE ? "codex-v2-bundle" : "codex-bundle";
    const g = readCodexBundle(location, location, layout, false);
    return g;
  }
  if (existsSync(join(location, CODEX_BUNDLE))) return readCodexBundle(location, join(location, CODEX_BUNDLE), "codex-bundle", check);
  if (existsSync(join(location, CODEX_V2_BUNDLE))) return readCodexBundle(location, join(location, CODEX_V2_BUNDLE), "codex-v2-bundle", check);
  const files = perTypeFiles(location);
  if (files.length === 0) throw new BundleError(`${location}: no ${CODEX_BUNDLE}, ${CODEX_V2_BUNDLE} or per-type *.json files (expected the output of \`codex app-server generate-json-schema --out DIR\`)`);
  return readPerType(location, files);
}
