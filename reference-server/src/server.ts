// Wires one stdio connection: lines in -> dispatcher, session -> lines out; shuts down on
// stdin EOF, a broken stdout, SIGTERM or SIGINT (every child's group is killed first).
import { readLines, writableSink, denoSink, type LineSink } from "./transport/stdio.ts";
import { Session } from "./session.ts";
import { Dispatcher } from "./dispatch.ts";
import type { ServerConfig } from "./config.ts";
import { log } from "./log.ts";

const FLUSH_GRACE_MS = 500;

export function serveStdio(config: ServerConfig): void {
  let session: Session | undefined;
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    log("info", `shutting down: ${why}`);
    session?.close();
    const exit = () => process.exit(0);
    setTimeout(exit, FLUSH_GRACE_MS).unref();
    void sink.flush().then(exit, exit);
  };
  const deno = (globalThis as { Deno?: { stdout: { writable: WritableStream<Uint8Array> } } }).Deno;
  const sink: LineSink = deno
    ? denoSink(deno.stdout, () => shutdown("stdout closed"))
    : writableSink(process.stdout, () => shutdown("stdout closed"));
  session = new Session(sink, config);
  const dispatcher = new Dispatcher(session);
  readLines(process.stdin, (line) => dispatcher.handleLine(line), () => shutdown("stdin closed"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGHUP", () => shutdown("SIGHUP"));
  // One bad child or request must not take the connection down with it.
  process.on("uncaughtException", (error) => log("error", `uncaught: ${error.stack ?? String(error)}`));
  process.on("unhandledRejection", (reason) => log("error", `unhandled rejection: ${String(reason)}`));
}
