#!/usr/bin/env node
// Entry point of `npm run reliability` (the kit CLI also mounts this as `reliability`).
import { reliabilityCommand } from "./command.ts";

await reliabilityCommand().name("reliability").parseAsync(process.argv);
