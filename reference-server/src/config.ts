// Server-wide settings, fixed at start-up (CLI flags and environment).
import { homedir } from "node:os";
import { resolve } from "node:path";
import { DEFAULT_PERMISSIONS_CONFIG, type PermissionsConfig } from "./permissions/index.ts";

export const SERVER_NAME = "app-server-conformance-reference";
export const SERVER_VERSION = "0.1.0";

export interface ServerConfig {
  /** Reported as `codexHome`; never written to. */
  codexHome: string;
  /** Base for relative command/exec `cwd` values. */
  cwd: string;
  defaultOutputBytesCap: number;
  defaultTimeoutMs: number;
  drainTimeoutMs: number;
  /** PTY size when a tty command/exec gives none. */
  defaultPtySize: { rows: number; cols: number };
  /** A non-blank `CODEX_EXEC_SERVER_URL` (e.g. `none`): local execution disabled, as upstream. */
  localExecutionDisabled: boolean;
  /** Default permissions and user profiles (from `--config`; read-only, no network without one). */
  permissions: PermissionsConfig;
}

export const DEFAULTS = {
  outputBytesCap: 1_048_576,
  timeoutMs: 10_000,
  drainTimeoutMs: 2_000,
  ptySize: { rows: 24, cols: 80 },
} as const;

export function defaultCodexHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CODEX_HOME;
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  return resolve(homedir(), ".codex");
}

export function defaultConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    codexHome: defaultCodexHome(env),
    cwd: process.cwd(),
    defaultOutputBytesCap: DEFAULTS.outputBytesCap,
    defaultTimeoutMs: DEFAULTS.timeoutMs,
    drainTimeoutMs: DEFAULTS.drainTimeoutMs,
    defaultPtySize: { ...DEFAULTS.ptySize },
    localExecutionDisabled: localExecutionDisabledBy(env.CODEX_EXEC_SERVER_URL),
    permissions: DEFAULT_PERMISSIONS_CONFIG,
  };
}

/**
 * Codex treats any non-blank `CODEX_EXEC_SERVER_URL` (`none`, `NONE`, ` none `, a URL) as
 * "commands run elsewhere": command/exec and process/spawn then answer -32603 `local
 * environment is not configured`. Unset, empty or whitespace-only leaves local execution on.
 */
export function localExecutionDisabledBy(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}
