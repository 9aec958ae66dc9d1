// Implementation descriptors: variable expansion, the committed descriptors, a name that
// tells the release it runs, and command lines split like a shell.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterAll, describe, expect, it, vi } from "vitest";
import { expandDescriptorString, loadImplementation } from "../../src/descriptor/implementation.ts";
import { splitCommandLine } from "../../src/transports/server-process.ts";
import { cli, cliBuilt } from "../support/cli.ts";

describe("implementation descriptors", () => {
  it("expand env references with defaults, home, node and descriptorDir", () => {
    const ctx = { descriptorDir: "/d", env: { SET: "yes", EMPTY: "" } };
    expect(expandDescriptorString("${env:SET}", ctx)).toBe("yes");
    expect(expandDescriptorString("${env:UNSET:-fallback}", ctx)).toBe("fallback");
    expect(expandDescriptorString("${env:EMPTY:-${descriptorDir}/x}", ctx)).toBe("/d/x");
    expect(expandDescriptorString("${node}", ctx)).toBe(process.execPath);
    expect(() => expandDescriptorString("${env:UNSET}", ctx)).toThrow(/not set/);
  });
  it("load the committed descriptors (CODEX_BIN overrides the oracle)", () => {
    const codex = loadImplementation("fixtures/implementations/codex.jsonc", { CODEX_BIN: "/opt/codex", HOME: "/h" });
    expect(codex.argv).toEqual(["/opt/codex", "app-server"]);
    expect(codex.env.CODEX_HOME).toMatch(/\.codex-oracle-home$/);
    expect(codex.features).toContain("experimental");
    for (const e of codex.baseline) expect(e.reason.length).toBeGreaterThan(0);
    const ref = loadImplementation("fixtures/implementations/reference.jsonc");
    expect(ref.argv[1]).toMatch(/dist\/reference-server\/src\/main\.cjs$/);
  });
  it("split command lines like a shell (quotes, escapes)", () => {
    expect(splitCommandLine(`node "a b.js" 'c d' e\\ f ""`)).toEqual(["node", "a b.js", "c d", "e f", ""]);
    expect(() => splitCommandLine(`"open`)).toThrow(/unterminated/);
  });
});

// codex.jsonc names the release it runs: `codex-${programVersion:-unknown}` reads the version
// of the npm package its program belongs to (node_modules/.bin/codex -> @openai/codex).
describe("a descriptor's name tells the release it runs", () => {
  const CODEX = "fixtures/implementations/codex.jsonc";
  /** An npm install of @openai/codex <version> under <dir>, as `install-codex` leaves it. */
  function fakeInstall(dir: string, version: string): string {
    const pkg = join(dir, "node_modules", "@openai", "codex");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ dependencies: { "@openai/codex": `^${version}` } }));
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@openai/codex", version }));
    writeFileSync(join(pkg, "bin", "codex.js"), "#!/usr/bin/env node\n", { mode: 0o755 });
    mkdirSync(join(dir, "node_modules", ".bin"));
    symlinkSync("../@openai/codex/bin/codex.js", join(dir, "node_modules", ".bin", "codex"));
    return join(dir, "node_modules", ".bin", "codex");
  }
  const scratch = mkdtempSync(join(tmpdir(), "asc-descriptor-name-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const home = join(scratch, "home");
  fakeInstall(join(home, ".cache", "codex-oracle"), "0.169.0");
  const other = fakeInstall(join(scratch, "codex-0.171.0"), "0.171.0");

  it("the default install is codex-0.169.0", () => {
    vi.stubEnv("HOME", home);
    try {
      expect(loadImplementation(CODEX, { HOME: home }).name).toBe("codex-0.169.0");
    } finally {
      vi.unstubAllEnvs();
    }
  });
  it("CODEX_ORACLE_DIR or CODEX_BIN pointed at another release names that release; the baseline stays", () => {
    const byDir = loadImplementation(CODEX, { HOME: home, CODEX_ORACLE_DIR: join(scratch, "codex-0.171.0") });
    expect(byDir.name).toBe("codex-0.171.0");
    expect(byDir.baselineFile).toMatch(/fixtures\/implementations\/codex\.baseline\.jsonc$/);
    expect(byDir.baseline.length).toBeGreaterThan(0);
    expect(loadImplementation(CODEX, { HOME: home, CODEX_BIN: other }).name).toBe("codex-0.171.0");
  });
  it("a program that is not an npm install (or not there) is codex-unknown, never a guessed release", () => {
    const bare = join(scratch, "bare", "codex");
    mkdirSync(join(scratch, "bare"));
    writeFileSync(bare, "#!/bin/sh\n", { mode: 0o755 });
    writeFileSync(join(scratch, "package.json"), JSON.stringify({ version: "9.9.9" }));
    // the nearest package.json has no version: a farther one is not the program's
    writeFileSync(join(scratch, "bare", "package.json"), JSON.stringify({ private: true }));
    expect(loadImplementation(CODEX, { HOME: home, CODEX_BIN: bare }).name).toBe("codex-unknown");
    expect(loadImplementation(CODEX, { HOME: home, CODEX_BIN: join(scratch, "missing", "codex") }).name).toBe("codex-unknown");
  });
  it("${programVersion} is for names only, and without a default a missing version is an error", () => {
    const dir = join(scratch, "descriptors");
    mkdirSync(dir);
    const write = (file: string, d: Record<string, unknown>) => (writeFileSync(join(dir, file), JSON.stringify(d)), join(dir, file));
    expect(loadImplementation(write("plain.jsonc", { name: "x-${programVersion}", command: [other] })).name).toBe("x-0.171.0");
    expect(() => loadImplementation(write("no-version.jsonc", { name: "x-${programVersion}", command: [join(scratch, "missing")] }))).toThrow(/no package\.json with a version above/);
    expect(() => loadImplementation(write("in-env.jsonc", { name: "x", command: [other], env: { V: "${programVersion}" } }))).toThrow(/only be used in the descriptor's name/);
  });
});

// The same against real Codex installs (skipped, visibly, where a release is not installed).
const installed = (version: string) => join(homedir(), ".cache", `codex-${version}`);
describe.skipIf(!existsSync(join(installed("0.171.0"), "node_modules", ".bin", "codex")) || !cliBuilt)("a real Codex release other than the default", () => {
  it("a run against CODEX_ORACLE_DIR=~/.cache/codex-0.171.0 reports codex-0.171.0, the release the server says it is", async () => {
    // CODEX_ORACLE_HOME as the environment sets it (or the descriptor's default), like the other Codex tests.
    const out = mkdtempSync(join(tmpdir(), "asc-descriptor-run-"));
    try {
      const r = await cli(
        ["run", "--implementation", "codex", "--no-properties", "--filter", "exec.buffered.exit-code", "--reporter", "json", "--out", join(out, "r.json")],
        { env: { CODEX_BIN: undefined, CODEX_ORACLE_DIR: installed("0.171.0") } },
      );
      expect(r.stderr).toBe("");
      const report = JSON.parse(readFileSync(join(out, "r.json"), "utf8")) as { implementation: string; descriptor: { name: string }; server?: { userAgent?: string } };
      expect(report.descriptor.name).toBe("codex-0.171.0");
      expect(report.implementation).toBe("codex-0.171.0");
      expect(report.server?.userAgent).toMatch(/\/0\.171\.0 /);
      expect(r.code).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
