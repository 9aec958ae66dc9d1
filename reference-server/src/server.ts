// Wires the transports: one stdio connection (lines in -> dispatcher, session -> lines out;
// shuts down on stdin EOF, a broken stdout, SIGTERM or SIGINT), or a WebSocket listener
// (TCP or Unix socket) with one Connection per client. Every child's group is killed first.
import { denoPort, nonBlockingStdout, readLines, writablePort, type OutboundPort } from "./transport/stdio.ts";
import { Connection, DEFAULT_LIMITS, type ConnectionLimits } from "./transport/connection.ts";
import type { Listener, ListenerOptions } from "./transport/ws.ts";
import type { ServerConfig } from "./config.ts";
import { log } from "./log.ts";

const FLUSH_GRACE_MS = 500;

let processHandlersInstalled = false;

/** Signals end the server; one bad child or request must not take a connection down. */
function installProcessHandlers(shutdown: (why: string) => void): void {
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGHUP", () => shutdown("SIGHUP"));
  if (processHandlersInstalled) return;
  processHandlersInstalled = true;
  process.on("uncaughtException", (error) => log("error", `uncaught: ${error.stack ?? String(error)}`));
  process.on("unhandledRejection", (reason) => log("error", `unhandled rejection: ${String(reason)}`));
}

export function serveStdio(config: ServerConfig, limits: ConnectionLimits = DEFAULT_LIMITS): void {
  let connection: Connection | undefined;
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log("info", `shutting down: ${why}`);
    connection?.close();
    const exit = () => process.exit(0);
    setTimeout(exit, FLUSH_GRACE_MS).unref();
    void port.flush().then(exit, exit);
  };
  const deno = (globalThis as { Deno?: { stdout: { writable: WritableStream<Uint8Array> } } }).Deno;
  const port: OutboundPort = deno
    ? denoPort(deno.stdout, () => shutdown("stdout closed"))
    : writablePort(nonBlockingStdout(), () => shutdown("stdout closed"));
  let input: { pause(): void; resume(): void } | undefined;
  connection = new Connection("stdio", port, config, limits, {
    slowReader: "pause-input",
    pauseInput: () => input?.pause(),
    resumeInput: () => input?.resume(),
  });
  const conn = connection;
  input = readLines(process.stdin, (line) => conn.receive(line), () => shutdown("stdin closed"));
  installProcessHandlers(shutdown);
}

export interface ListenOptions extends Omit<ListenerOptions, "config"> {
  /** Written (atomically, mode 0600) with the listener's URL once it accepts connections. */
  readyFile?: string;
}

/** Serves WebSocket connections until SIGTERM/SIGINT/SIGHUP; stdin is not read. */
export async function serveListener(config: ServerConfig, options: ListenOptions): Promise<Listener> {
  // Loaded here, not up front: ws and node:http cost a stdio server's cold start ~50 ms.
  const { startListener } = await import("./transport/ws.ts");
  const listener = await startListener({ ...options, config });
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log("info", `shutting down: ${why}`);
    const exit = () => process.exit(0);
    setTimeout(exit, FLUSH_GRACE_MS * 4).unref();
    void listener.close().then(exit, exit);
  };
  installProcessHandlers(shutdown);
  // The banner goes to stderr whatever the log level: tests and scripts read the port here.
  process.stderr.write(`listening on ${listener.url}\n`);
  if (options.readyFile !== undefined) {
    const { writeFileSync, renameSync } = await import("node:fs");
    const temp = `${options.readyFile}.${process.pid}.tmp`;
    writeFileSync(temp, `${listener.url}\n`, { mode: 0o600 });
    renameSync(temp, options.readyFile);
  }
  return listener;
}
