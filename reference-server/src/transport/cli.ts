// The transport part of the CLI: `--listen`, WebSocket auth, the ready file and the
// per-connection limits. main.ts adds these options and hands the parsed values here.
import { InvalidArgumentError, Option, type Command } from "commander";
import type { ServerConfig } from "../config.ts";
import { serveListener, serveStdio } from "../server.ts";
import { AUTH_MODES, loadAuth } from "./auth.ts";
import { DEFAULT_LIMITS } from "./connection.ts";
import { formatTarget, isLoopback, parseListen } from "./listen.ts";

export interface TransportCliOptions {
  listen: string;
  wsAuth?: string;
  wsTokenFile?: string;
  wsTokenSha256?: string;
  readyFile?: string;
  maxQueuedRequests: number;
  maxOutboundBytes: number;
  maxConnections: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export const DEFAULT_MAX_CONNECTIONS = 64;

export function addTransportOptions(program: Command): Command {
  return program
    .option("--listen <url>", "transport: stdio://, ws://IP:PORT (port 0 = any free port) or unix://PATH", "stdio://")
    .addOption(new Option("--ws-auth <mode>", "authentication for WebSocket connections (ws:// and unix://)").choices([...AUTH_MODES]))
    .option("--ws-token-file <path>", "file holding the capability token (trimmed); clients send `Authorization: Bearer <token>`")
    .option("--ws-token-sha256 <hex>", "hex SHA-256 digest of the capability token (instead of --ws-token-file)")
    .option("--ready-file <path>", "with --listen ws:// or unix://: write the actual listening URL here once accepting")
    .option("--max-queued-requests <n>", "per connection: requests that may wait for a saturated transport before -32001", positiveInt, DEFAULT_LIMITS.maxQueuedRequests)
    .option("--max-outbound-bytes <n>", "per connection: unsent output before a WebSocket client is disconnected (stdio: input pauses)", positiveInt, DEFAULT_LIMITS.maxOutboundBytes)
    .option("--max-connections <n>", "concurrent WebSocket connections", positiveInt, DEFAULT_MAX_CONNECTIONS);
}

/**
 * Validates the transport options and starts serving. `fail` reports a start-up error
 * (it must not return). Refuses a non-loopback WebSocket listener without auth.
 */
export function startTransport(config: ServerConfig, opts: TransportCliOptions, fail: (message: string) => never): void {
  let target;
  let auth;
  try {
    target = parseListen(opts.listen);
    auth = loadAuth(opts);
  } catch (error) {
    return fail(`error: ${(error as Error).message}`);
  }
  const limits = { maxQueuedRequests: opts.maxQueuedRequests, maxOutboundBytes: opts.maxOutboundBytes };
  if (target.kind === "stdio") {
    if (auth !== undefined) return fail("error: --ws-auth applies to --listen ws:// and unix:// only");
    if (opts.readyFile !== undefined) return fail("error: --ready-file applies to --listen ws:// and unix:// only");
    serveStdio(config, limits);
    return;
  }
  if (target.kind === "ws" && !isLoopback(target.host) && auth === undefined) {
    return fail(
      `error: refusing to start non-loopback websocket listener ${formatTarget(target).slice("ws://".length)} without auth; configure \`--ws-auth capability-token\` with \`--ws-token-file\` or \`--ws-token-sha256\``,
    );
  }
  serveListener(config, { target, auth, limits, maxConnections: opts.maxConnections, readyFile: opts.readyFile }).catch((error: unknown) => {
    fail(`error: cannot listen on ${opts.listen}: ${(error as Error).message}`);
  });
}
