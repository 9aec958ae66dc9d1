// Shared helpers for the live sandbox tests: spawn a wrapped argv directly (no server).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { PermissionProfile } from "../../../schema/src/index.ts";
import { resolveCommandPermissions, type PermissionsConfig, type SandboxPlan } from "../../src/permissions/resolve.ts";
import { wrapCommand, type WrapContext, type WrapOptions } from "../../src/sandbox/backends/index.ts";
import type { WrappedCommand } from "../../src/sandbox/backends/types.ts";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  argv: string[];
}

export function planFor(config: PermissionsConfig, cwd: string, permissionProfile?: string | PermissionProfile): SandboxPlan {
  const r = resolveCommandPermissions(config, {
    serverCwd: cwd,
    commandCwd: cwd,
    permissionProfile: permissionProfile ?? null,
    env: { TMPDIR: process.env.TMPDIR },
  });
  if (!r.ok) throw r.error;
  return r.value.plan;
}

export function spawnWrapped(w: WrappedCommand, cwd: string, env: Record<string, string> = process.env as Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = w.argv;
    const child = spawn(file!, args, { cwd, env, stdio: ["ignore", "pipe", "pipe", ...w.extraFds] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", (e) => {
      w.cleanup();
      reject(e);
    });
    child.once("close", (code, signal) => {
      w.cleanup();
      resolve({ code, signal, stdout, stderr, argv: w.argv });
    });
  });
}

export async function runInSandbox(
  plan: SandboxPlan,
  argv: string[],
  ctx: Partial<WrapContext> & { cwd: string },
  options: WrapOptions = {},
): Promise<RunResult> {
  const w = await wrapCommand(plan, argv, { pty: false, env: {}, ...ctx }, options);
  if (w.kind === "refused") throw w;
  return spawnWrapped(w, ctx.cwd);
}

/** The Node binary (under Deno, `process.execPath` is deno, whose own permission model would blur the results). */
export const NODE_BIN: string =
  "Deno" in globalThis
    ? ((process.env.PATH ?? "")
        .split(delimiter)
        .map((d) => join(d, "node"))
        .find((p) => existsSync(p)) ?? "node")
    : process.execPath;

/** `node -e` as the attacker inside the sandbox. */
export const nodeEval = (code: string): string[] => [NODE_BIN, "-e", code];
