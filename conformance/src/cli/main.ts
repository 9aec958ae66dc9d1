#!/usr/bin/env node
// app-server-conformance: run the conformance corpus against an app-server (JSONL over stdio).
import process from "node:process";
import { buildProgram } from "./program.ts";

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    process.stderr.write(`app-server-conformance: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}

await main();
