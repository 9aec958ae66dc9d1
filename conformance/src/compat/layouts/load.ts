// Turns what a user points the gate at into the one model the rule engine reads (a
// SchemaBundle: flat definitions with stability marks + the method table):
//   - our folders and git refs (bundle.ts: loadSide);
//   - one Codex generation (no stability known: everything is judged as stable);
//   - a stable and an experimental Codex generation (`<dir>` + `--experimental-* <dir>`,
//     or one folder holding `stable/` and `experimental/`): stability marked from the pair;
//   - Codex's bundle file or `generate-json-schema --experimental` output on its own
//     (loadUpstreamBundle, upstreamBundleFromDocument).
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadSide } from "../bundle.ts";
import { BundleError, isJsonObject, UPSTREAM_BUNDLE_FILE, type SchemaBundle } from "../model.ts";
import { flattenCodexDefinitions, isCodexLocation, readCodexGeneration, type Generation, type ReadOptions } from "./generation.ts";
import { methodTable } from "./methods.ts";
import { markExperimental } from "./stability.ts";

function finish(definitions: SchemaBundle["definitions"], source: string, file: string | undefined, document: SchemaBundle["document"], notes: string[], stabilityKnown: boolean): SchemaBundle {
  const { methods, unpaired } = methodTable(definitions);
  const bundle: SchemaBundle = { source, definitions, methods, unpaired, document, stabilityKnown, notes };
  if (file !== undefined) bundle.file = file;
  return bundle;
}

/** One generation, judged as all stable (its stability cannot be told from it alone). */
export function bundleFromGeneration(g: Generation, source: string): SchemaBundle {
  return finish(g.definitions, source, g.file, g.document, [...g.notes], false);
}

/** A stable and an experimental generation of the same release, experimental additions marked. */
export function bundleFromPair(stable: Generation, experimental: Generation, source: string): SchemaBundle {
  const { definitions, report } = markExperimental(stable.definitions, experimental.definitions);
  const notes = [...stable.notes, ...experimental.notes];
  if (report.missingFromExperimental.length > 0) {
    notes.push(`${source}: the experimental generation lacks ${report.missingFromExperimental.length} stable definition(s) (${report.missingFromExperimental.slice(0, 5).join(", ")}); is it really the --experimental output of the same release?`);
  }
  if (report.experimentalEnumValues.length > 0) {
    notes.push(`${source}: ${report.experimentalEnumValues.length} enum value(s) exist only in the experimental generation and are judged as stable: ${report.experimentalEnumValues.slice(0, 5).join("; ")}`);
  }
  const stableMethods = methodTable(stable.definitions).methods;
  const marked = finish(definitions, source, experimental.file, { ...experimental.document, definitions }, notes, true);
  // Belt and braces: a method the stable generation has is stable, whatever the arm matching said.
  for (const [m, entry] of Object.entries(marked.methods)) if (m in stableMethods) entry.stability = "stable";
  return marked;
}

/** `<dir>/stable` + `<dir>/experimental`, both Codex generations (the layout `schema codex` caches). */
export function splitVariantFolder(location: string): { stable: string; experimental: string } | undefined {
  const stable = join(location, "stable");
  const experimental = join(location, "experimental");
  if (existsSync(stable) && existsSync(experimental) && isCodexLocation(stable) && isCodexLocation(experimental)) return { stable, experimental };
  return undefined;
}

export interface SideRequest {
  /** A folder, bundle file or git ref. */
  spec: string;
  /** The experimental generation of the same side (a Codex folder), when `spec` is the stable one. */
  experimental?: string;
  /** Where relative paths resolve. */
  cwd: string;
  read?: ReadOptions;
}

/** Is this side a Codex generation (or a folder holding a stable and an experimental one)? */
export function isCodexSide(spec: string, cwd: string): boolean {
  const p = resolve(cwd, spec);
  return isCodexLocation(p) || (existsSync(p) && statSync(p).isDirectory() && splitVariantFolder(p) !== undefined);
}

/** Loads any side the gate accepts. */
export function loadAnySide(req: SideRequest): SchemaBundle {
  const p = resolve(req.cwd, req.spec);
  const split = existsSync(p) && statSync(p).isDirectory() ? splitVariantFolder(p) : undefined;
  if (split !== undefined) {
    if (req.experimental !== undefined) throw new BundleError(`${req.spec} already holds stable/ and experimental/; drop the --experimental-* option for it`);
    return bundleFromPair(readCodexGeneration(split.stable, req.read), readCodexGeneration(split.experimental, req.read), req.spec);
  }
  if (isCodexLocation(p)) {
    const stable = readCodexGeneration(p, req.read);
    if (req.experimental === undefined) {
      const b = bundleFromGeneration(stable, req.spec);
      b.notes!.push(`${req.spec}: one generation without stability marks; everything in it is judged as stable (give its --experimental output with --experimental-old/--experimental-new, or a folder with stable/ and experimental/)`);
      return b;
    }
    const exp = resolve(req.cwd, req.experimental);
    if (!isCodexLocation(exp)) throw new BundleError(`${req.experimental}: not a Codex schema folder (expected the output of \`codex app-server generate-json-schema --experimental --out DIR\`)`);
    return bundleFromPair(stable, readCodexGeneration(exp, req.read), req.spec);
  }
  if (req.experimental !== undefined) throw new BundleError(`--experimental-* applies to Codex schema folders; ${req.spec} is not one (our bundles carry their own stability marks)`);
  return loadSide(req.spec, req.cwd);
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
