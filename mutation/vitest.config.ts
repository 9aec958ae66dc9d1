import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The vitest configuration Stryker runs (stryker.config.mjs), never `npm test`: the reference
// server's tests plus the corpus as one test per fixture (corpus.test.ts), with the hooks
// that reach the server's child processes (child-coverage.setup.ts). stryker.config.mjs
// narrows the files per slice (mutation/slices.mjs).
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["reference-server/test/**/*.test.ts", "mutation/corpus.test.ts"],
    exclude: ["**/node_modules/**"],
    setupFiles: ["mutation/child-coverage.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
