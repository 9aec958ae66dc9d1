// Machine output is complete and clean (JSON on stdout is only JSON; properties are test
// cases in every format; JUnit counts agree), colors follow NO_COLOR / FORCE_COLOR, a
// closed pipe ends the output quietly, and fast-check is loaded only when properties run.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_JS, cli, cliBuilt, NODE, partialServer } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "asc-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, "fx");
mkdirSync(corpus);
writeFileSync(join(corpus, "t.ok.jsonc"), JSON.stringify({ id: "t.ok", title: "ok", spec: "s", steps: [{ step: "sleep", ms: 1 }] }));

describe.skipIf(!cliBuilt)("machine output", { timeout: 240_000 }, () => {
  it("json on stdout is valid JSON with the properties; JUnit, TAP and Markdown list them as cases", async () => {
    const out = (f: string) => join(dir, f);
    const r = await cli([
      "run", "--implementation", "reference", "--fixtures", corpus, "--seed", "5",
      "--reporter", "json", "--reporter", "junit", "--out", out("r.xml"), "--reporter", "tap", "--out", out("r.tap"), "--reporter", "markdown", "--out", out("r.md"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      schemaVersion: number;
      descriptor: { name: string; features: string[]; baselineFile?: string };
      properties: { seed: number; results: { id: string; status: string }[] };
      options: { jobs: number; maxJobs?: number };
      ok: boolean;
    };
    // Without --jobs, the idle gate may run up to 8 fixtures per core.
    expect(report.options.maxJobs).toBe(8 * report.options.jobs);
    expect(report.schemaVersion).toBe(1);
    expect(report.descriptor.name).toBe("reference");
    expect(report.descriptor.features).toContain("streaming-output");
    expect(report.descriptor.baselineFile).toMatch(/reference\.baseline\.jsonc$/);
    expect(report.properties.seed).toBe(5);
    expect(report.properties.results.map((p) => p.id)).toContain("bad-input/junk");
    const n = 1 + report.properties.results.length;
    const junit = readFileSync(out("r.xml"), "utf8");
    expect(junit).toContain('name="property:output-cap/exec"');
    const attr = (tag: string, name: string) => [...junit.matchAll(new RegExp(`<${tag} [^>]*${name}="(\\d+)"`, "g"))].map((m) => Number(m[1]));
    expect(attr("testsuites", "tests")).toEqual([n]);
    const suiteSkipped = attr("testsuite", "skipped").reduce((a, b) => a + b, 0);
    expect(attr("testsuites", "skipped")).toEqual([suiteSkipped]);
    expect(attr("testsuite", "tests").reduce((a, b) => a + b, 0)).toBe(n);
    const tap = readFileSync(out("r.tap"), "utf8");
    expect(tap).toContain(`1..${n}`);
    expect(tap).toMatch(/ok \d+ property:lifecycle\/exec/);
    expect(readFileSync(out("r.md"), "utf8")).toMatch(/## Properties \(seed 5\): \d+ passed, 0 failed/);
  });

  it("colors: FORCE_COLOR forces them, NO_COLOR and --no-color drop them", async () => {
    const args = ["run", "--server", partialServer(), "--fixtures", corpus, "--no-properties"];
    const forced = await cli(args, { env: { FORCE_COLOR: "1", NO_COLOR: undefined } });
    expect(forced.stdout).toContain("\u001b[32mPASS");
    const none = await cli(args, { env: { FORCE_COLOR: undefined, NO_COLOR: "1" } });
    expect(none.stdout).not.toContain("\u001b[");
    const flag = await cli([...args, "--no-color"], { env: { FORCE_COLOR: "1" } });
    expect(flag.stdout).not.toContain("\u001b[");
  });

  it("a closed pipe (| head) ends the output quietly", async () => {
    const child = spawn(NODE, [CLI_JS, "list", "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});

describe.skipIf(!cliBuilt)("fast-check loads only when properties run", () => {
  /** Every module of the kit reachable through static imports from `entry`. */
  function staticClosure(entry: string): Map<string, string> {
    const seen = new Map<string, string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      const text = readFileSync(file, "utf8");
      seen.set(file, text);
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
      }
    };
    visit(entry);
    return seen;
  }
  it("the CLI's static import graph (run, list, lint) does not reach fast-check", () => {
    const closure = staticClosure(CLI_JS);
    expect(closure.size).toBeGreaterThan(20);
    const importers = [...closure].filter(([, text]) => /^\s*import\s[^;]*?from\s+"fast-check"/m.test(text)).map(([f]) => f);
    expect(importers).toEqual([]);
  });
});
