#!/usr/bin/env node
// CLI entry point: `app-server-reference [options]` serves the protocol on stdio.
import { Command, InvalidArgumentError } from "commander";
import { resolve } from "node:path";
import { DEFAULTS, SERVER_VERSION, defaultConfig } from "./config.ts";
import { isLogLevel, setLogLevel } from "./log.ts";
import { serveStdio } from "./server.ts";

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
  .option("--codex-home <dir>", "directory reported as codexHome (default: $CODEX_HOME, else ~/.codex); never written to")
  .option("--cwd <dir>", "base directory for relative command/exec cwd values (default: the server's cwd)")
  .option("--log-level <level>", "stderr log level: error, warn, info or debug", "warn")
  .option("--default-timeout-ms <n>", `command/exec timeout when the request sets none`, nonNegativeInt, DEFAULTS.timeoutMs)
  .option("--default-output-bytes-cap <n>", "per-stream output cap when the request sets none", nonNegativeInt, DEFAULTS.outputBytesCap)
  .option("--drain-timeout-ms <n>", "how long to keep reading a child's pipes after it exited", nonNegativeInt, DEFAULTS.drainTimeoutMs)
  .addHelpText(
    "after",
    "\nEnvironment:\n  CODEX_HOME              default for --codex-home\n  CODEX_EXEC_SERVER_URL   'none' disables local execution (command/exec answers -32603)\n",
  );

program.parse(process.argv);
const opts = program.opts<{
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
config.defaultTimeoutMs = opts.defaultTimeoutMs;
config.defaultOutputBytesCap = opts.defaultOutputBytesCap;
config.drainTimeoutMs = opts.drainTimeoutMs;
serveStdio(config);
