// Servers the property tests run against: Codex (when installed), the built reference
// server, and a corrupting proxy in front of the reference server.
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { adHocImplementation, DEFAULT_AD_HOC_FEATURES, loadImplementation, type Implementation } from "../../../src/descriptor/implementation.ts";
import { packageRoot } from "../../../src/probe/probe-path.ts";

const root = packageRoot();
export const PROBE_BUILT = existsSync(join(root, "dist", "conformance", "src", "probe", "probe.js"));
export const REFERENCE_MAIN = join(root, "dist", "reference-server", "src", "main.cjs");
export const REFERENCE_BUILT = existsSync(REFERENCE_MAIN);
export const PROXY = fileURLToPath(new URL("./corrupting-proxy.mjs", import.meta.url));
export const REFERENCE_CLAIMS = fileURLToPath(new URL("./reference.claims.jsonc", import.meta.url));

export function codexImplementation(): Implementation | undefined {
  try {
    const impl = loadImplementation(join(root, "fixtures", "implementations", "codex.jsonc"));
    return existsSync(impl.argv[0]!) ? impl : undefined;
  } catch {
    return undefined;
  }
}

export function referenceImplementation(): Implementation {
  return loadImplementation(join(root, "fixtures", "implementations", "reference.jsonc"));
}

/** The reference server behind the corrupting proxy in `mode`. */
export function brokenImplementation(mode: string): Implementation {
  const impl = adHocImplementation([process.execPath, PROXY, mode, "--", process.execPath, REFERENCE_MAIN], [...DEFAULT_AD_HOC_FEATURES, "unix", "signals"]);
  impl.name = `reference behind the ${mode} proxy`;
  return impl;
}
