// Runs the built CLI as a user would (a child process; exit status, stdout, stderr).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../../src/probe/probe-path.ts";

// Servers and the CLI are Node programs; under Deno, process.execPath is the Deno binary.
export const NODE = process.execPath.includes("deno") ? "node" : process.execPath;
export const ROOT = packageRoot();
export const CLI_JS = join(ROOT, "dist", "conformance", "src", "cli", "main.js");
export const REFERENCE_JS = join(ROOT, "dist", "reference-server", "src", "main.cjs");
export const PARTIAL_SERVER = fileURLToPath(new URL("./partial-server.mjs", import.meta.url));
export const cliBuilt = existsSync(CLI_JS) && existsSync(REFERENCE_JS);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...opts.env })) if (v !== undefined) env[k] = v;
    execFile(NODE, [CLI_JS, ...args], { cwd: opts.cwd ?? ROOT, env, timeout: opts.timeoutMs ?? 120_000, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--server` for the partial server (quoted for the kit's command-line splitter). */
export function partialServer(mode = "ok"): string {
  return `${JSON.stringify(NODE)} ${JSON.stringify(PARTIAL_SERVER)}${mode === "ok" ? "" : ` --mode ${mode}`}`;
}
