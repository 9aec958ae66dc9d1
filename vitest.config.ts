import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["schema/test/**/*.test.ts", "reference-server/test/**/*.test.ts", "conformance/test/**/*.test.ts"],
    // Integration tests spawn real processes; two cores, so keep the pool small.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
