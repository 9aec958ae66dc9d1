#!/usr/bin/env node
// Standalone entry of the schema gate: `node dist/conformance/src/compat/cli.js diff|check|baseline ...`
// (the same command is mounted as `app-server-conformance schema ...`).
import { runSchemaCommand } from "./command.ts";

const args = process.argv.slice(2);
runSchemaCommand(args.length === 0 ? ["--help"] : args).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
