// The Node entry point (dist/reference-server/src/main.cjs, from start-node.ts): the build's
// code cache matches the bundle, and every kind of bad cache falls back to a normal start.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const DIST = resolve(import.meta.dirname, "..", "..", "dist", "reference-server", "src");
const built = existsSync(join(DIST, "main.cjs"));
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const INIT = `${JSON.stringify({ id: 1, method: "initialize", params: { clientInfo: { name: "t", version: "1" }, capabilities: {} } })}\n`;
const work = mkdtempSync(join(tmpdir(), "start-node-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The initialize reply of `node <entry>` (stdin closes after the request). */
function initializeReply(entry: string): { id: number; result?: { userAgent: string } } {
  const out = execFileSync(process.execPath, [entry], { input: INIT, encoding: "utf8", timeout: 20_000 });
  return JSON.parse(out.split("\n")[0]!);
}

/** A copy of the built entry point and bundle in a folder of its own, with `cache` as its code cache. */
function copyWithCache(name: string, cache: Buffer | undefined): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const f of ["main.cjs", "main.js", "bundle.cjs", "bundle.ws.cjs"]) copyFileSync(join(DIST, f), join(dir, f));
  if (cache !== undefined) writeFileSync(join(dir, "bundle.cjs.cache"), cache);
  return dir;
}

describe.skipIf(!built)("the Node entry point and its code cache", () => {
  // The cache file: the bundle's length (4 bytes, little-endian), its bytes, V8's data.
  const bundle = () => readFileSync(join(DIST, "bundle.cjs"));
  const header = (source: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(source.length);
    return Buffer.concat([length, source]);
  };
  const v8Data = () => readFileSync(join(DIST, "bundle.cjs.cache")).subarray(4 + bundle().length);

  it("the build wrote a cache for this very bundle", () => {
    const cache = readFileSync(join(DIST, "bundle.cjs.cache"));
    expect(cache.subarray(0, 4 + bundle().length).equals(header(bundle()))).toBe(true);
    expect(v8Data().length).toBeGreaterThan(1024);
  });

  it("the bundles are ASCII text, which V8 holds as one byte a character (rolldown.config.mjs)", () => {
    // One non-ASCII character (a comment's "§") made the whole bundle two-byte text: ~5% more
    // instructions per start. A dependency's non-ASCII string would do the same.
    for (const file of ["bundle.cjs", "bundle.ws.cjs", "bundle.config.cjs"]) {
      const text = readFileSync(join(DIST, file), "latin1");
      expect({ file, nonAscii: /[^\x00-\x7f]/.exec(text)?.index }).toEqual({ file, nonAscii: undefined });
    }
  });

  // Node's start (main.cjs is Node's entry point; Deno runs the source, and has no moduleLoadList).
  it.skipIf(isDeno)("a start loads node:child_process, node:crypto, node:fs/promises and the config file's reader only when it needs them", () => {
    // Together ~20 ms of a cold start's CPU before the `initialize` reply (docs/performance.md);
    // the first command needing them loads the built-ins, --config the reader (bundle.config.cjs).
    const entry = JSON.stringify(join(DIST, "main.cjs"));
    const script = `process.argv = [process.argv[0], ${entry}]; require(${entry}); process.stderr.write(JSON.stringify({ modules: process.moduleLoadList, files: Object.keys(require.cache) }) + "\\n");`;
    const run = spawnSync(process.execPath, ["-e", script], { input: INIT, encoding: "utf8", timeout: 20_000 });
    expect(JSON.parse(run.stdout.split("\n")[0]!).result?.userAgent).toMatch(/app-server-conformance-reference/);
    const atStart = JSON.parse(run.stderr.split("\n")[0]!) as { modules: string[]; files: string[] };
    expect(atStart.modules).toContain("NativeModule net");
    expect(atStart.modules.filter((m) => /^NativeModule (child_process|crypto|fs\/promises)$/.test(m))).toEqual([]);
    expect(atStart.files.map((f) => basename(f))).toContain("bundle.cjs");
    expect(atStart.files.map((f) => basename(f))).not.toContain("bundle.config.cjs");
  });

  it("main.cjs and main.js (the ES module kept for old command lines) both serve", () => {
    expect(initializeReply(join(DIST, "main.cjs")).result?.userAgent).toMatch(/app-server-conformance-reference/);
    expect(initializeReply(join(DIST, "main.js")).result?.userAgent).toMatch(/app-server-conformance-reference/);
  });

  it.each([
    ["no cache", () => undefined],
    ["a cache of another bundle", () => Buffer.concat([header(Buffer.from("another bundle")), v8Data()])],
    ["a cache V8 rejects (right bundle, garbage data)", () => Buffer.concat([header(bundle()), Buffer.alloc(4096, 0xab)])],
    ["a truncated cache", () => header(bundle()).subarray(0, 10)],
  ])("%s: starts without it", (name, cache) => {
    const dir = copyWithCache(name.replace(/\W+/g, "-"), cache());
    expect(initializeReply(join(dir, "main.cjs")).result?.userAgent).toMatch(/app-server-conformance-reference/);
  });

  it("a bundle edited after the build (same length) runs as edited, not from the stale cache", () => {
    // V8 checks only the source's length: had the cache been taken, the reply would carry
    // the cached code's string, not the edited one.
    const dir = copyWithCache("edited", readFileSync(join(DIST, "bundle.cjs.cache")));
    const edited = readFileSync(join(dir, "bundle.cjs"), "utf8").replaceAll("app-server-conformance-reference", "app-server-conformance-referencf");
    writeFileSync(join(dir, "bundle.cjs"), edited);
    expect(initializeReply(join(dir, "main.cjs")).result?.userAgent).toMatch(/app-server-conformance-referencf/);
  });
});
