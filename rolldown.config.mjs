// The reference server's entry point as one file, plus lazily loaded chunks for the socket
// transports and the config file's reader: Node 20 spends most of a cold start resolving
// and compiling the ~200 files of the server and its dependencies one by one. CommonJS,
// because Node 20 can run a script (not an ES module) with V8's code cache: main.cjs
// (start-node.ts) loads bundle.cjs with the cache that reference-server/build/code-cache.mjs
// writes. main.js is kept for those who run `node dist/reference-server/src/main.js`.
// docs/stack.md says why and how. Also the kit's probe as CommonJS (below). Everything else
// in dist/ is tsc's output; tsconfig.build.json leaves the server's entry files to this one.
import { RolldownMagicString, defineConfig } from "rolldown";

const common = {
  platform: "node",
  // Native code, optional, loaded on the first tty request (engine/pty-loader.ts).
  external: ["node-pty"],
  // jsonc-parser's "main" is a UMD build with dynamic requires a bundle cannot follow.
  resolve: { mainFields: ["module", "main"] },
};
const dir = "dist/reference-server/src";

/**
 * commander loads node:child_process when it is required, for executable subcommands the
 * server has none of; that load was ~7 ms of a cold start's CPU before the `initialize`
 * reply. Its one use (`childProcess.spawn`) now loads the module when called. The build
 * fails if commander's line changes, rather than silently keeping the eager load.
 */
const lazyChildProcessInCommander = {
  name: "lazy-child-process-in-commander",
  transform(code, id) {
    if (!/[\\/]commander[\\/]lib[\\/]command\.js$/.test(id)) return null;
    const eager = "const childProcess = require('node:child_process');";
    const at = code.indexOf(eager);
    if (at < 0) this.error(`${id} no longer has \`${eager}\`: update rolldown.config.mjs`);
    // A magic string, so that the (hidden) source map stays right.
    const lazy = new RolldownMagicString(code);
    lazy.overwrite(at, at + eager.length, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };");
    return { code: lazy };
  },
};

/** Emits main.js, an ES module that runs main.cjs. */
const compatEntry = {
  name: "compat-entry",
  generateBundle() {
    this.emitFile({ type: "asset", fileName: "main.js", source: '#!/usr/bin/env node\n// Runs main.cjs (rolldown.config.mjs says why).\nimport "./main.cjs";\n' });
  },
};

export default defineConfig([
  {
    ...common,
    input: { bundle: "reference-server/src/main.ts" },
    plugins: [lazyChildProcessInCommander],
    // Maps stay in the checkout for debugging; they are not shipped, so the bundle names none.
    // import() becomes require(): V8 code cache loses a script's dynamic-import callback
    // in Node 20, so the bundle must have no import() of its own.
    // Comments stay in the sources and the map, not in the bundle: every start reads, hashes
    // and decodes the bundle's text, and a comment's one non-ASCII character ("§", "—")
    // made V8 hold all of it as two-byte text. Without them (legal notices kept) a start
    // with initialize runs ~5% fewer instructions (callgrind: 190 -> 182 million).
    output: {
      dir,
      format: "cjs",
      entryFileNames: "[name].cjs",
      chunkFileNames: "bundle.[name].cjs",
      sourcemap: "hidden",
      dynamicImportInCjs: false,
      comments: { legal: true, annotation: false, jsdoc: false },
    },
  },
  // The kit's probe (conformance/src/probe/probe.ts), which fixtures run for nearly every
  // command: as one CommonJS file it starts with less work than tsc's ES module (Node 20's
  // ES module loader); kitProgramArgv (probe-path.ts) prefers it. Built from the source on
  // its own, nothing of the server's.
  {
    platform: "node",
    input: { probe: "conformance/src/probe/probe.ts" },
    output: { dir: "dist/conformance/src/probe", format: "cjs", entryFileNames: "[name].cjs" },
  },
  {
    ...common,
    input: { main: "reference-server/src/start-node.ts" },
    plugins: [compatEntry],
    output: { dir, format: "cjs", entryFileNames: "[name].cjs", banner: "#!/usr/bin/env node" },
  },
]);
