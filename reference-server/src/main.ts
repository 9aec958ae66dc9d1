#!/usr/bin/env node
// CLI entry point: `app-server-reference [options]` serves the protocol on stdio, or on a
// WebSocket / Unix socket with `--listen` (docs/transports.md).
import { Command, InvalidArgumentError } from "commander";
import { resolve } from "node:path";
import { DEFAULTS, SERVER_VERSION, defaultConfig } from "./config.ts";
import { isLogLevel, log, setLogLevel } from "./log.ts";
import { addTransportOptions, startTransport, type TransportCliOptions } from "./transport/cli.ts";
import { closeInheritedDescriptors } from "./engine/inherited-fds.ts";

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

const program = new Command()
  .name("app-server-reference")
  .description(
    "Reference server for the process-execution surface of the Codex app-server protocol (JSON-RPC lite, one JSON message per line on stdin/stdout; logs on stderr).",
  )
  .version(SERVER_VERSION)
  .option("--config <file.jsonc>", "permissions (default profile, user profiles, deny-read entries) and exec defaults; see docs/sandbox.md")
  .option("--codex-home <dir>", "directory reported as codexHome (default: $CODEX_HOME, else ~/.codex); never written to")
  .option("--cwd <dir>", "base directory for relative command/exec cwd values (default: the server's cwd)")
  .option("--log-level <level>", "stderr log level: error, warn, info or debug", "warn")
  .option("--default-timeout-ms <n>", `command/exec timeout when the request sets none`, nonNegativeInt, DEFAULTS.timeoutMs)
  .option("--default-output-bytes-cap <n>", "per-stream output cap when the request sets none", nonNegativeInt, DEFAULTS.outputBytesCap)
  .option("--drain-timeout-ms <n>", "how long to keep reading a child's pipes after it exited", nonNegativeInt, DEFAULTS.drainTimeoutMs)
  .addHelpText(
    "after",
    "\nEnvironment:\n  CODEX_HOME              default for --codex-home\n  CODEX_EXEC_SERVER_URL   any non-blank value (e.g. 'none') disables local execution\n                          (command/exec and process/spawn answer -32603)\n",
  );

addTransportOptions(program);
program.parse(process.argv);
const opts = program.opts<{
  config?: string;
  codexHome?: string;
  cwd?: string;
  logLevel: string;
  defaultTimeoutMs: number;
  defaultOutputBytesCap: number;
  drainTimeoutMs: number;
}>();

const logLevel = opts.logLevel;
if (!isLogLevel(logLevel)) program.error(`error: invalid --log-level '${logLevel}'`);
else setLogLevel(logLevel);
const config = defaultConfig();
if (opts.codexHome !== undefined) config.codexHome = resolve(opts.codexHome);
if (opts.cwd !== undefined) config.cwd = resolve(opts.cwd);
// The config file's reader (its zod schemas, jsonc-parser) loads only when --config is
// given: every start without one would otherwise pay for building them (docs/performance.md).
async function applyConfigFile(file: string): Promise<void> {
  const { ConfigError, loadSandboxConfig } = await import("./permissions/config.ts");
  try {
    const loaded = loadSandboxConfig(resolve(file));
    config.permissions = loaded.permissions;
    if (loaded.exec.timeoutMs !== undefined) config.defaultTimeoutMs = loaded.exec.timeoutMs;
    if (loaded.exec.outputBytesCap !== undefined) config.defaultOutputBytesCap = loaded.exec.outputBytesCap;
  } catch (error) {
    // An invalid config must stop the server: running with weaker permissions is worse.
    const message = error instanceof ConfigError ? error.message : `cannot read config ${file}: ${(error as Error).message}`;
    process.stderr.write(`app-server-reference: ${message}\n`);
    process.exit(2);
  }
}

async function start(): Promise<void> {
  if (opts.config !== undefined) await applyConfigFile(opts.config);
  // Flags given on the command line win over the config file.
  if (program.getOptionValueSource("defaultTimeoutMs") === "cli") config.defaultTimeoutMs = opts.defaultTimeoutMs;
  if (program.getOptionValueSource("defaultOutputBytesCap") === "cli") config.defaultOutputBytesCap = opts.defaultOutputBytesCap;
  // Before anything runs: children must not get descriptors the server inherited (after the
  // config file: `--config <(…)` names one of them).
  const closedFds = closeInheritedDescriptors();
  if (closedFds.length > 0) log("info", `closed inherited descriptors ${closedFds.join(", ")}`);
  config.drainTimeoutMs = opts.drainTimeoutMs;
  // The sandbox is probed (one bwrap process) by the first command that needs it, not up
  // front: many sessions never run a sandboxed command, and a start that spawns nothing is
  // cheaper (docs/performance.md). The probe is cached for the server's life.
  startTransport(config, program.opts<TransportCliOptions>(), (message) => program.error(message));
}

start().catch((error: unknown) => {
  process.stderr.write(`app-server-reference: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
