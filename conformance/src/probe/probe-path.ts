// Where the probe program is and how to run it: the argv prefix `${probe}` expands to.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { splitCommandLine } from "../transports/server-process.ts";

export const PROBE_OVERRIDE_VAR = "APP_SERVER_CONFORMANCE_PROBE";

interface DenoLike {
  execPath(): string;
}

function deno(): DenoLike | undefined {
  return (globalThis as { Deno?: DenoLike }).Deno;
}

/** The repository (package) root: the directory that holds conformance/ (and dist/). */
export function packageRoot(): string {
  // source: <root>/conformance/src; built: <root>/dist/conformance/src
  const up = resolve(kitSourceDir(), "..", "..");
  return existsSync(join(up, "package.json")) ? up : resolve(up, "..");
}

/** conformance/src (or its build in dist/): the kit's programs are named relative to it. */
function kitSourceDir(): string {
  // This module is <kit source dir>/probe/probe-path.{ts,js}.
  return resolve(dirname(fileURLToPath(import.meta.url)), "..");
}

export function probeArgv(env: NodeJS.ProcessEnv = process.env): string[] {
  const override = env[PROBE_OVERRIDE_VAR];
  if (override) return splitCommandLine(override);
  return kitProgramArgv("probe/probe");
}

/** The argv that runs one of the kit's own programs (`probe/probe`, `mutants/proxy`). */
export function kitProgramArgv(name: string): string[] {
  const here = fileURLToPath(import.meta.url);
  const dir = kitSourceDir();
  const d = deno();
  if (here.endsWith(".js")) {
    const js = join(dir, `${name}.js`);
    return d ? [d.execPath(), "run", "-A", js] : [process.execPath, nodeProgram(js)];
  }
  if (d) return [d.execPath(), "run", "-A", join(dir, `${name}.ts`)];
  // Running from TypeScript sources under Node (e.g. vitest): use the built program.
  const built = join(packageRoot(), "dist", "conformance", "src", `${name}.js`);
  if (!existsSync(built)) {
    throw new Error(`the kit is not built (${built} is missing): run \`npm run build\` first`);
  }
  return [process.execPath, nodeProgram(built)];
}

/** The CommonJS build of a program when the build made one (rolldown.config.mjs): it starts faster under Node. */
function nodeProgram(js: string): string {
  const cjs = js.replace(/\.js$/, ".cjs");
  return existsSync(cjs) ? cjs : js;
}
