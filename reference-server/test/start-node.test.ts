// The Node entry point (dist/reference-server/src/main.cjs, from start-node.ts): the build's
// code cache matches the bundle, and every kind of bad cache falls back to a normal start.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const DIST = resolve(import.meta.dirname, "..", "..", "dist", "reference-server", "src");
const built = existsSync(join(DIST, "main.cjs"));
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
  const bundleHash = () => createHash("sha256").update(readFileSync(join(DIST, "bundle.cjs"))).digest();

  it("the build wrote a cache for this very bundle", () => {
    const cache = readFileSync(join(DIST, "bundle.cjs.cache"));
    expect(cache.subarray(0, 32).equals(bundleHash())).toBe(true);
    expect(cache.length).toBeGreaterThan(1024);
  });

  it("main.cjs and main.js (the ES module kept for old command lines) both serve", () => {
    expect(initializeReply(join(DIST, "main.cjs")).result?.userAgent).toMatch(/app-server-conformance-reference/);
    expect(initializeReply(join(DIST, "main.js")).result?.userAgent).toMatch(/app-server-conformance-reference/);
  });

  it.each([
    ["no cache", () => undefined],
    ["a cache of another bundle", () => Buffer.concat([Buffer.alloc(32, 1), readFileSync(join(DIST, "bundle.cjs.cache")).subarray(32)])],
    ["a cache V8 rejects (right hash, garbage data)", () => Buffer.concat([bundleHash(), Buffer.alloc(4096, 0xab)])],
    ["a truncated cache", () => bundleHash().subarray(0, 10)],
  ])("%s: starts without it", (name, cache) => {
    const dir = copyWithCache(name.replace(/\W+/g, "-"), cache());
    expect(initializeReply(join(dir, "main.cjs")).result?.userAgent).toMatch(/app-server-conformance-reference/);
  });
});
