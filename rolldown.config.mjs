// The reference server's entry point as one ES module (plus a lazily loaded chunk for the
// socket transports): Node 20 spends most of a cold start resolving and compiling the ~200
// files of the server and its dependencies one by one. docs/stack.md says why and how.
// Everything else in dist/ is tsc's output; tsconfig.build.json leaves main.ts to this file.
import { defineConfig } from "rolldown";

export default defineConfig({
  input: { main: "reference-server/src/main.ts" },
  platform: "node",
  // Native code, optional, loaded on the first tty request (engine/pty-loader.ts).
  external: ["node-pty"],
  // jsonc-parser's "main" is a UMD build with dynamic requires a bundle cannot follow.
  resolve: { mainFields: ["module", "main"] },
  output: {
    dir: "dist/reference-server/src",
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "main.[name].js",
    // Maps for debugging in the checkout (node --enable-source-maps finds them beside the
    // bundle only when told to); not shipped, so the bundle names none of them.
    sourcemap: "hidden",
  },
});
