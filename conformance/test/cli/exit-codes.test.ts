// Exit status means one thing each (0 pass, 1 conformance failures, 2 usage or setup), a
// selection that runs nothing is an error, a server that cannot start is reported once, and
// the server's command is resolved where the user runs the kit (never fetched by npx).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, cliBuilt, NODE, PARTIAL_SERVER, partialServer } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "asc-exit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (id: string, steps: unknown[] = [{ step: "sleep", ms: 1 }]) => JSON.stringify({ id, title: id, spec: "s", steps });

/** Pids of live processes whose command line holds `text` (Linux's /proc). */
function processesWith(text: string): number[] {
  return readdirSync("/proc").flatMap((name) => {
    try {
      return /^\d+$/.test(name) && readFileSync(`/proc/${name}/cmdline`, "utf8").includes(text) ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}

describe.skipIf(!cliBuilt)("exit status", { timeout: 120_000 }, () => {
  it("an unknown option is a usage error (2), not a failure (1)", async () => {
    const r = await cli(["run", "--implementation", "reference", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect((await cli(["list", "--bogus"])).code).toBe(2);
    expect((await cli(["--help"])).code).toBe(0);
  });

  it("a bad descriptor is a setup error (2)", async () => {
    const d = join(dir, "bad.jsonc");
    writeFileSync(d, JSON.stringify({ name: "x", command: ["node"], features: ["streamin"] }));
    const r = await cli(["run", "--implementation", d, "--no-properties"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonc: features\.0/);
    expect((await cli(["run", "--implementation", join(dir, "missing.jsonc")])).code).toBe(2);
    expect((await cli(["run", "--server", partialServer(), "--feature", "streamin"])).code).toBe(2);
  });

  it("a server that cannot start stops the run after one clear message (2)", async () => {
    const r = await cli(["run", "--server", partialServer("crash"), "--no-properties"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.match(/the server could not/g)).toHaveLength(1);
    // The program as resolved against PATH (under Deno the tests name it just "node").
    const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(r.stderr).toMatch(new RegExp(`command: ${NODE.includes("/") ? escaped(NODE) : `\\S*/${NODE}`} ${escaped(PARTIAL_SERVER)} --mode crash`));
    expect(r.stderr).toContain("exited with status 3");
    expect(r.stderr).toContain("partial-server: cannot open /etc/partial-server.toml");
    expect(r.stderr).not.toMatch(/Running \d+ fixtures/);
  });

  it("a server that never finishes the handshake is a setup error (2)", async () => {
    const r = await cli(["run", "--server", partialServer("mute"), "--no-properties", "--timeout-multiplier", "0.2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not finish the handshake: waiting for the initialize response: nothing within 2000 ms/);
    expect(r.stderr).toMatch(/still running \(the kit stopped it\)/);
  });

  it("a selection that matches nothing is an error (2), not PASS with 0 fixtures", async () => {
    const typo = await cli(["run", "--implementation", "reference", "--filter", "exec.bufered.*"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/no fixture matches --filter exec\.bufered\.\*/);
    expect((await cli(["run", "--implementation", "reference", "--tag", "no-such-tag"])).code).toBe(2);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const none = await cli(["run", "--implementation", "reference", "--fixtures", empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no fixtures found in/);
    const allNa = await cli(["run", "--server", partialServer(), "--feature", "unix", "--filter", "process.*"]);
    expect(allNa.code).toBe(2);
    expect(allNa.stderr).toMatch(/nothing to run: all \d+ selected fixtures need features/);
  });

  it("a usage problem is reported rather than a server problem, and the server started to check it is stopped", async () => {
    // The kit starts the server's preflight while it reads the corpus.
    const crash = await cli(["run", "--server", partialServer("crash"), "--filter", "nosuch.*", "--no-properties"]);
    expect(crash.code).toBe(2);
    expect(crash.stderr).toMatch(/no fixture matches --filter nosuch\.\*/);
    expect(crash.stderr).not.toMatch(/the server could not/);
    const empty = join(dir, "empty-for-mute");
    mkdirSync(empty);
    const log = join(dir, "mute-server.log");
    const mute = await cli(["run", "--server", `${partialServer("mute")} --log ${JSON.stringify(log)}`, "--fixtures", empty, "--timeout-multiplier", "0.2"]);
    expect(mute.code).toBe(2);
    expect(mute.stderr).toMatch(/no fixtures found in/);
    expect(mute.stderr).not.toMatch(/the server could not/);
    if (existsSync("/proc/self/cmdline")) expect(processesWith(log)).toEqual([]);
  });

  it("a flat folder and nested folders both work; 0 on pass, 1 on a failure", async () => {
    const flat = join(dir, "flat");
    mkdirSync(join(flat, "deep", "er"), { recursive: true });
    writeFileSync(join(flat, "t.one.jsonc"), fixture("t.one"));
    writeFileSync(join(flat, "deep", "er", "t.two.jsonc"), fixture("t.two"));
    const ok = await cli(["run", "--server", partialServer(), "--fixtures", flat, "--no-properties"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/2 passed, 0 failed \(2 fixtures run/);
    writeFileSync(join(flat, "t.bad.jsonc"), fixture("t.bad", [{ step: "waitFile", path: "never", withinMs: 50 }]));
    expect((await cli(["run", "--server", partialServer(), "--fixtures", flat, "--no-properties"])).code).toBe(1);
  });
});

describe.skipIf(!cliBuilt || process.platform === "win32")("the server's command line", { timeout: 120_000 }, () => {
  const project = join(dir, "project");
  const bin = join(project, "node_modules", ".bin");
  mkdirSync(bin, { recursive: true });
  const script = join(bin, "my-partial-server");
  writeFileSync(script, `#!/bin/sh\nexec ${JSON.stringify(NODE)} ${JSON.stringify(PARTIAL_SERVER)} "$@"\n`);
  chmodSync(script, 0o755);
  symlinkSync(script, join(bin, "other-name"));

  it("`npx <bin>` runs the project's own bin, resolved before the workspace", async () => {
    const r = await cli(["run", "--server", "npx my-partial-server", "--filter", "exec.buffered.*", "--feature", "unix", "--no-properties"], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`PASS ${script}`);
  });

  it("a bare name is found in ./node_modules/.bin; npx never fetches an unknown name", async () => {
    const bare = await cli(["run", "--server", "other-name", "--filter", "exec.buffered.exit-code", "--no-properties"], { cwd: project });
    expect(bare.code, bare.stderr).toBe(0);
    const npx = await cli(["run", "--server", "npx --yes app-server-reference-not-installed-xyz"], { cwd: project });
    expect(npx.code).toBe(2);
    expect(npx.stderr).toMatch(/not installed in .*node_modules\/\.bin or on PATH; the kit does not let npx fetch it/);
    const missing = await cli(["run", "--server", "./no/such/server --stdio"], { cwd: project });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/the server program \.\/no\/such\/server does not exist/);
  });

  it("bundled descriptors are reachable by name", async () => {
    const r = await cli(["run", "--implementation", "reference", "--filter", "handshake.initialize-result", "--no-properties"], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS reference: 1 passed/);
  });
});
