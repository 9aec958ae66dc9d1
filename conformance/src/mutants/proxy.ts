#!/usr/bin/env node
// The mutating proxy: a stdio server that starts the real server and applies ONE mutation
// of the catalogue to the lines passing between client and server. Lines that are not
// JSON objects pass through untouched.
//   APP_SERVER_CONFORMANCE_MUTANT_TARGET    JSON argv of the real server
//   APP_SERVER_CONFORMANCE_MUTATION         a catalogue id, or "none"
// The proxy's own arguments are appended to that argv (a property adds a server's config
// flags to the command it is given). Both variables are removed from the real server's
// environment, which is otherwise the proxy's.
import { spawn } from "node:child_process";
import process from "node:process";
import { findMutation, MUTATION_VAR, TARGET_VAR, type Message, type MutationContext } from "./catalogue.ts";

/** Splits a byte stream into lines; `onLine` gets each line without its "\n". */
function lines(onLine: (line: string) => void): { push(chunk: string): void; rest(): string } {
  let buffered = "";
  return {
    push(chunk) {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        onLine(line);
      }
    },
    rest: () => buffered,
  };
}

function asMessage(line: string): Message | undefined {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Message) : undefined;
  } catch {
    return undefined;
  }
}

function main(): void {
  const target = JSON.parse(process.env[TARGET_VAR] ?? "[]") as string[];
  const argv = target.length ? [...target, ...process.argv.slice(2)] : [];
  const id = process.env[MUTATION_VAR] ?? "none";
  const mutation = id === "none" ? undefined : findMutation(id);
  if (argv.length === 0 || (id !== "none" && mutation === undefined)) {
    process.stderr.write(`mutating proxy: set ${TARGET_VAR} (JSON argv) and ${MUTATION_VAR} (a catalogue id or none); got ${JSON.stringify(id)}\n`);
    process.exit(2);
  }
  const env = { ...process.env };
  delete env[TARGET_VAR];
  delete env[MUTATION_VAR];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "inherit"], env });
  const toClient = (m: Message | string) => process.stdout.write(`${typeof m === "string" ? m : JSON.stringify(m)}\n`);
  const ctx: MutationContext = { reply: toClient, state: new Map() };

  const fromServer = lines((line) => {
    const m = asMessage(line);
    if (m === undefined || !mutation?.response) return toClient(line);
    for (const out of mutation.response(m, ctx)) toClient(out);
  });
  const fromClient = lines((line) => {
    const m = asMessage(line);
    if (m === undefined || !mutation?.request) return void child.stdin.write(`${line}\n`);
    const out = mutation.request(m, ctx);
    if (out !== undefined) child.stdin.write(`${JSON.stringify(out)}\n`);
  });

  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => fromServer.push(chunk));
  child.stdout.on("end", () => {
    if (fromServer.rest()) process.stdout.write(fromServer.rest());
  });
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => fromClient.push(chunk));
  process.stdin.on("end", () => child.stdin.end(fromClient.rest()));
  child.stdin.on("error", () => undefined);
  process.stdout.on("error", () => child.kill("SIGTERM"));
  child.on("error", (e) => {
    process.stderr.write(`mutating proxy: cannot start ${argv[0]}: ${e.message}\n`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => process.stdout.write("", () => process.exit(code ?? (signal ? 1 : 0))));
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => child.kill(sig));
}

main();
