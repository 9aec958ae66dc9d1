// Part of Stryker's buildCommand: tsc has just written the mutated server, unbundled, as
// dist/reference-server/src/main.js; point main.cjs (the entry point the tests start; the
// bundle's in a normal build, rolldown.config.mjs) at it.
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../dist/reference-server/src/main.cjs", import.meta.url), '// Stryker build: the unbundled, mutated server.\nimport("./main.js");\n');
