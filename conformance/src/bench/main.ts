#!/usr/bin/env node
// Entry point of `npm run bench` (the kit CLI also mounts this as `bench`).
import { benchCommand } from "./command.ts";

await benchCommand().name("bench").parseAsync(process.argv);
