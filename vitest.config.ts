import { defineConfig } from "vitest/config";

// Under Deno (`npx deno task test`) the suite checks that the kit and the server run on that
// runtime. The reliability scenarios (hundreds of MiB, SIGKILL, floods) and the mutation
// catalogue judge the server's and the corpus's behaviour, which does not depend on the
// test runner's runtime, and the split-run tests drive the CLI as a Node child whatever the
// runner: they run under Node only, to keep CI within its time budget.
const deno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const NODE_ONLY = ["reference-server/test/reliability/**", "conformance/test/mutants/**", "conformance/test/cli/split-runs.test.ts"];

export default defineConfig({
  test: {
    include: ["schema/test/**/*.test.ts", "reference-server/test/**/*.test.ts", "conformance/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(deno ? NODE_ONLY : [])],
    // Integration tests spawn real processes; two cores, so keep the pool small.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
