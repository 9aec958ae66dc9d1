// The npm package as a stranger gets it: packed with `npm pack`, its contents checked
// (no source maps to unshipped files, no runtime import of a dev dependency, descriptors
// that point only at shipped files, a LICENSE), and a small ESM TypeScript consumer that
// imports the package by name typechecks and runs against the unpacked tarball.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadImplementation } from "../src/descriptor/implementation.ts";
import { packageRoot } from "../src/probe/probe-path.ts";

const ROOT = packageRoot();
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

const CONSUMER_DIR = join(ROOT, "conformance", "test", "support", "package-consumer");

let work: string;
let files: string[];
let unpacked: string;

beforeAll(() => {
  if (isDeno) return;
  work = mkdtempSync(join(tmpdir(), "package-api-"));
  // --ignore-scripts: the test runs on the current build (npm test builds first).
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: ROOT, encoding: "utf8" });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  files = info.files.map((f) => f.path);
  const consumer = join(work, "consumer");
  unpacked = join(consumer, "node_modules", manifest.name);
  mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["-xzf", join(work, info.filename), "-C", unpacked, "--strip-components=1"]);
  // The package's own dependencies (and @types/node for the consumer) from this checkout.
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name === manifest.name || name.startsWith(".")) continue;
    symlinkSync(join(ROOT, "node_modules", name), join(consumer, "node_modules", name));
  }
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  for (const f of ["consumer.ts", "tsconfig.json"]) cpSync(join(CONSUMER_DIR, f), join(consumer, f));
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Bare module specifiers a built file imports, statically or dynamically. */
function importsOf(js: string): { name: string; dynamic: boolean }[] {
  const found: { name: string; dynamic: boolean }[] = [];
  const pkg = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
  for (const m of js.matchAll(/(?:^|[\s;])(?:import|export)\s[^;]*?from\s*"([^"]+)"|(?:^|[\s;])import\s*"([^"]+)"/gm)) {
    const spec = m[1] ?? m[2]!;
    if (!spec.startsWith(".") && !spec.startsWith("node:")) found.push({ name: pkg(spec), dynamic: false });
  }
  for (const m of js.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) {
    if (!m[1]!.startsWith(".") && !m[1]!.startsWith("node:")) found.push({ name: pkg(m[1]!), dynamic: true });
  }
  return found;
}

describe.skipIf(isDeno)("the packed package", () => {
  it("ships a LICENSE, declarations for every export, and no source maps", () => {
    expect(files).toContain("LICENSE");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    // A sourceMappingURL comment would point at one of those unshipped maps.
    const pointing = files.filter((f) => f.endsWith(".js") && /^\/\/# sourceMappingURL=/m.test(readFileSync(join(unpacked, f), "utf8")));
    expect(pointing).toEqual([]);
    for (const target of Object.values(manifest.exports)) {
      for (const file of typeof target === "string" ? [target] : [target.types, target.default]) expect(files).toContain(file.replace(/^\.\//, ""));
    }
  });

  it("imports only its dependencies at run time; optional ones only dynamically", () => {
    const builtins = new Set(["fs", "path", "os", "url", "child_process", "process", "crypto", "events", "net", "stream", "util", "module", "readline", "http", "tty", "assert", "worker_threads", "zlib", "buffer", "timers", "string_decoder", "perf_hooks"]);
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".js"))) {
      for (const { name, dynamic } of importsOf(readFileSync(join(unpacked, file), "utf8"))) {
        if (builtins.has(name) || name in manifest.dependencies) continue;
        if (dynamic && name in (manifest.optionalDependencies ?? {})) continue;
        if (dynamic && manifest.peerDependenciesMeta?.[name]?.optional === true) continue;
        problems.push(`${file} imports ${name}${dynamic ? " (dynamically)" : ""}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("ships only descriptors whose programs are in the package", () => {
    const dir = join(unpacked, "fixtures", "implementations");
    const problems: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".jsonc") && !n.endsWith(".baseline.jsonc"))) {
      const impl = loadImplementation(join(dir, name), { PATH: process.env.PATH });
      for (const arg of impl.argv) {
        const abs = resolve(arg);
        const rel = relative(unpacked, abs);
        if (arg.startsWith("/") && !rel.startsWith("..") && !files.includes(rel)) problems.push(`${name}: ${rel} is not in the package`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("a 10-line ESM TypeScript consumer typechecks and runs against the installed package", () => {
    const consumer = join(work, "consumer");
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" });
    } catch (error) {
      throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
    const out = execFileSync(process.execPath, [join(consumer, "out", "consumer.js")], { cwd: consumer, encoding: "utf8" });
    const result = JSON.parse(out) as { handshake: number; findings: number };
    expect(result.handshake).toBeGreaterThan(10);
    expect(result.findings).toBe(0);
  }, 120_000);
});
