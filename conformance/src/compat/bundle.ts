// Schema bundles as the gate sees them: every definition in one flat namespace plus the
// method table (method -> kind, params type, result type, stability). Loads our own
// bundle (a schema folder, a variant folder, a bundle file or a git ref) and Codex's
// `generate-json-schema --experimental` output, normalized to the same form.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import { flattenCodexDefinitions, readCodexGeneration } from "./layouts/generation.ts";
import { bundleFromGeneration } from "./layouts/load.ts";
import { methodTable } from "./layouts/methods.ts";

export type Json = Record<string, unknown>;
export const isJsonObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export type MethodKind = "clientRequest" | "serverRequest" | "clientNotification" | "serverNotification";
export type Stability = "stable" | "experimental";

export interface MethodEntry {
  kind: MethodKind;
  /** Definition name of the params type (absent: the message has no params). */
  params?: string;
  /** Definition name of the result type (requests only; absent when it cannot be derived, see SchemaBundle.unpaired). */
  result?: string;
  stability: Stability;
}

export interface SchemaBundle {
  /** Where it came from, for messages (a path, `git:<ref>`, `codex:<dir>`). */
  source: string;
  /** The bundle file on disk, when there is one (for annotations). */
  file?: string;
  definitions: Record<string, Json>;
  methods: Record<string, MethodEntry>;
  /** The raw bundle document (ours: as written; upstream: with refs flattened). */
  document: Json;
  /** Requests whose result type could not be derived from the schema, with the reason. */
  unpaired?: Record<string, string>;
  /** false: one generation without stability marks (everything is judged as stable). */
  stabilityKnown?: boolean;
  /** What the reader noticed (layout, what is missing), for the report. */
  notes?: string[];
}

export const BUNDLE_FILE = "app_server_conformance.schemas.json";
export const BUNDLE_PATH = `schema/json/experimental/${BUNDLE_FILE}`;
export const UPSTREAM_BUNDLE_FILE = "codex_app_server_protocol.schemas.json";

export class BundleError extends Error {
  override name = "BundleError";
}

/** The arms of a union definition (a lone object counts as one arm). */
export function unionArms(def: unknown): Json[] {
  if (!isJsonObject(def)) return [];
  const arms = Array.isArray(def.oneOf) ? def.oneOf : Array.isArray(def.anyOf) ? def.anyOf : [def];
  return arms.filter(isJsonObject);
}

/** The single literal value of a schema node (`const` or a one-value `enum`). */
export function literalOf(node: unknown): { value: unknown } | undefined {
  if (!isJsonObject(node)) return undefined;
  if ("const" in node) return { value: node.const };
  if (Array.isArray(node.enum) && node.enum.length === 1) return { value: node.enum[0] };
  return undefined;
}

export function methodOfArm(arm: Json): string | undefined {
  const props = arm.properties;
  if (!isJsonObject(props)) return undefined;
  const lit = literalOf(props.method);
  return typeof lit?.value === "string" ? lit.value : undefined;
}

/** The method table read off the ClientRequest/ServerRequest/ClientNotification/ServerNotification unions. */
export function methodsFromUnions(definitions: Record<string, Json>): Record<string, MethodEntry> {
  return methodTable(definitions).methods;
}

const METHOD_KINDS: readonly MethodKind[] = ["clientRequest", "serverRequest", "clientNotification", "serverNotification"];

function parseMethods(raw: unknown): Record<string, MethodEntry> | undefined {
  if (!isJsonObject(raw)) return undefined;
  const out: Record<string, MethodEntry> = {};
  for (const [method, value] of Object.entries(raw)) {
    if (!isJsonObject(value)) continue;
    const kind = value.kind as MethodKind;
    if (!METHOD_KINDS.includes(kind)) throw new BundleError(`x-methods.${method}: unknown kind ${String(value.kind)}`);
    const entry: MethodEntry = { kind, stability: value.stability === "experimental" ? "experimental" : "stable" };
    if (typeof value.params === "string") entry.params = value.params;
    if (typeof value.result === "string") entry.result = value.result;
    out[method] = entry;
  }
  return out;
}

/** Builds a bundle from an already parsed document of ours. */
export function bundleFromDocument(document: unknown, source: string, file?: string): SchemaBundle {
  if (!isJsonObject(document) || !isJsonObject(document.definitions)) throw new BundleError(`${source}: not a schema bundle (no definitions)`);
  const definitions = document.definitions as Record<string, Json>;
  const methods = parseMethods(document["x-methods"]) ?? methodsFromUnions(definitions);
  const bundle: SchemaBundle = { source, definitions, methods, document };
  if (file !== undefined) bundle.file = file;
  return bundle;
}

function readJsonFile(file: string): unknown {
  return parseJsonc(readFileSync(file, "utf8"), file);
}

/**
 * Resolves a schema location: a folder with experimental/ (like schema/json), a variant
 * folder holding the bundle, or the bundle file itself.
 */
export function bundleFileIn(location: string): string | undefined {
  if (!existsSync(location)) return undefined;
  if (statSync(location).isFile()) return location;
  for (const candidate of [join(location, "experimental", BUNDLE_FILE), join(location, BUNDLE_FILE), join(location, "json", "experimental", BUNDLE_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function loadBundleFromPath(location: string): SchemaBundle {
  const file = bundleFileIn(location);
  if (file === undefined) throw new BundleError(`${location}: no ${BUNDLE_FILE} (expected a schema folder like schema/json, a variant folder or the bundle file)`);
  return bundleFromDocument(readJsonFile(file), location, file);
}

/** Reads `<ref>:<path>` with `git show` (read-only). */
export function gitShow(ref: string, path: string, cwd: string): string {
  try {
    return execFileSync("git", ["show", `${ref}:${path}`], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new BundleError(`git show ${ref}:${path}: ${stderr || (e as Error).message}`);
  }
}

export function isGitRef(ref: string, cwd: string): boolean {
  try {
    execFileSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export function loadBundleFromGit(ref: string, cwd: string, path = BUNDLE_PATH): SchemaBundle {
  const text = gitShow(ref, path, cwd);
  return bundleFromDocument(parseJsonc(text, `${ref}:${path}`), `git:${ref}`);
}

/** A side of a diff: a path on disk if it exists, else a git ref. */
export function loadSide(spec: string, cwd: string): SchemaBundle {
  const onDisk = resolve(cwd, spec);
  if (existsSync(onDisk)) {
    const b = loadBundleFromPath(onDisk);
    b.source = spec;
    return b;
  }
  if (isGitRef(spec, cwd)) return loadBundleFromGit(spec, cwd);
  throw new BundleError(`${spec}: neither a schema folder nor a git ref`);
}

/** Codex's `generate-json-schema --experimental` output directory (or its bundle file), read as one generation. */
export function loadUpstreamBundle(location: string): SchemaBundle {
  if (existsSync(location) && statSync(location).isDirectory() && !existsSync(join(location, UPSTREAM_BUNDLE_FILE))) {
    throw new BundleError(`${location}: no ${UPSTREAM_BUNDLE_FILE} (expected the output of \`codex app-server generate-json-schema --experimental\`)`);
  }
  const g = readCodexGeneration(location);
  return bundleFromGeneration(g, `codex:${location}`);
}

export function upstreamBundleFromDocument(raw: unknown, source: string, file?: string): SchemaBundle {
  if (!isJsonObject(raw) || !isJsonObject(raw.definitions)) throw new BundleError(`${source}: not a Codex schema bundle`);
  const definitions = flattenCodexDefinitions(raw.definitions);
  const { methods, unpaired } = methodTable(definitions);
  const bundle: SchemaBundle = { source, definitions, methods, unpaired, document: { ...raw, definitions }, stabilityKnown: false };
  if (file !== undefined) bundle.file = file;
  return bundle;
}
