// Node entry point (built to dist/reference-server/src/main.cjs): runs the bundled server
// (bundle.cjs, built from main.ts) with V8's code cache for it, so that a start does not
// compile the bundle again. Node 20 has no compile cache of its own (Node 22's
// module.enableCompileCache). docs/stack.md says why and how.
//
// The cache (bundle.cjs.cache) is written by the build (reference-server/build/code-cache.mjs)
// for the Node that built it: the length of the bundle it was made from (4 bytes), that
// bundle's bytes, then V8's data. V8 itself checks only the source's length, so the cache
// carries the source and a start compares it byte for byte (a memcmp; a hash would load
// node:crypto, ~8 ms of a start here). Anything else falls back to compiling the bundle as
// usual: a missing or stale cache, a cache V8 rejects (another Node or V8 version, flags).
// Nothing is written here unless the build asks. The bundle has no import()
// (rolldown.config.mjs turns them into require): a script run from V8's code cache has no
// dynamic-import callback in Node 20.
import { readFileSync, writeFileSync } from "node:fs";
import { Module, createRequire, wrap } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";

/** Set by the build: write the code cache when the server exits. */
export const WRITE_CODE_CACHE_VAR = "APP_SERVER_REFERENCE_WRITE_CODE_CACHE";
const LENGTH_BYTES = 4;

const bundle = join(__dirname, "bundle.cjs");
const cacheFile = `${bundle}.cache`;
const requireFromBundle = createRequire(bundle);

/** V8's data from the cache file, if the cache was made from exactly `source`. */
function cachedDataFor(source: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (data.length <= LENGTH_BYTES || data.readUInt32LE(0) !== source.length) return undefined;
  const end = LENGTH_BYTES + source.length;
  return data.length > end && data.subarray(LENGTH_BYTES, end).equals(source) ? data.subarray(end) : undefined;
}

/** The cache file's contents for `source`: its length, its bytes, V8's data. */
function cacheFileFor(source: Buffer, v8Data: Buffer): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32LE(source.length);
  return Buffer.concat([length, source, v8Data]);
}

function runWithCodeCache(): void {
  const source = readFileSync(bundle);
  // A hashbang is only valid at the very start of a source; the module wrapper precedes it.
  const text = source.toString("utf8").replace(/^#!/, "//");
  const script = new Script(wrap(text), { filename: bundle, cachedData: cachedDataFor(source) });
  if (process.env[WRITE_CODE_CACHE_VAR] === "1") {
    // At exit the functions the run compiled are in the cache too, not only the top level.
    process.on("exit", () => writeFileSync(cacheFile, cacheFileFor(source, script.createCachedData())));
  }
  // Registered as the bundle's module, so that its lazily loaded chunks (bundle.ws.cjs,
  // bundle.config.cjs), which require the bundle for shared code, get these exports instead
  // of a second server.
  const mod = new Module(bundle);
  mod.filename = bundle;
  requireFromBundle.cache[bundle] = mod;
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(mod.exports, mod.exports, requireFromBundle, mod, bundle, __dirname);
  mod.loaded = true;
}

runWithCodeCache();
