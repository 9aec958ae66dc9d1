// Loads our own schema bundle (a schema folder, a variant folder, a bundle file or a git
// ref) into the gate's model (model.ts: every definition in one flat namespace plus the
// method table). Codex's generations are read by layouts/load.ts into the same model.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import { methodTable } from "./layouts/methods.ts";
import { BUNDLE_FILE, BUNDLE_PATH, BundleError, isJsonObject, type Json, type MethodEntry, type MethodKind, type SchemaBundle } from "./model.ts";

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
