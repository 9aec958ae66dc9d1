#!/usr/bin/env node
// Standalone entry of `app-server-conformance properties`.
import process from "node:process";
import { propertiesCommand } from "./command.ts";

propertiesCommand()
  .name("app-server-conformance-properties")
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  });
