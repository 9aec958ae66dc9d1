#!/usr/bin/env node
// app-server-conformance: run the conformance corpus against an app-server (JSONL over stdio).
// Exit status: 0 pass, 1 conformance failures, 2 usage or setup errors (an unknown option,
// a bad descriptor, a server that cannot start, a selection that matches nothing).
import process from "node:process";
import { type Command, CommanderError } from "commander";
import { buildProgram } from "./program.ts";

const EXIT_USAGE = 2;

// `app-server-conformance run | head`: a closed pipe ends the output, not with a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** Commander exits 1 on usage errors by default: make every (sub)command throw instead. */
function throwOnUsageErrors(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwOnUsageErrors(sub);
}

async function main(): Promise<void> {
  const program = buildProgram();
  throwOnUsageErrors(program);
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander printed the message (and the help); --help and --version exit 0.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    process.stderr.write(`app-server-conformance: ${(e as Error).message}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

await main();
