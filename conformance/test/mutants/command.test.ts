// `app-server-conformance mutants` run the way its --help says, against the built reference
// server: a killed mutant, a survivor below the floor, a corpus survivor killed by a property,
// the catalogue, and usage errors.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import picomatch from "picomatch";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { AREAS, CATALOGUE } from "../../src/mutants/catalogue.ts";
import { renderMutantsMarkdown, renderMutantsText } from "../../src/mutants/render.ts";
import { killerOrder, scoreOf, type MutantsReport } from "../../src/mutants/run.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";

const root = packageRoot();
const CLI = join(root, "dist", "conformance", "src", "cli", "main.js");
const REFERENCE = join(root, "fixtures", "implementations", "reference.jsonc");
const built = existsSync(CLI) && existsSync(join(root, "dist", "reference-server", "src", "main.cjs"));

const kit = (args: string[], timeout = 120_000) => spawnSync(process.execPath, [CLI, "mutants", ...args], { encoding: "utf8", timeout });

describe("the mutation catalogue", () => {
  it("has at least 40 mutations, unique ids, every area covered, hints on each", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CATALOGUE.map((m) => m.id)).size).toBe(CATALOGUE.length);
    for (const area of AREAS) expect(CATALOGUE.some((m) => m.area === area)).toBe(true);
    for (const m of CATALOGUE) {
      expect(m.hints.length).toBeGreaterThan(0);
      expect(Boolean(m.request) || Boolean(m.response)).toBe(true);
    }
  });
  it("hints name fixtures that exist in the corpus", () => {
    const ids = readdirSync(join(root, "fixtures"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".jsonc") && !f.startsWith("implementations"))
      .map((f) => f.replace(/^.*\//, "").replace(/\.jsonc$/, ""));
    for (const m of CATALOGUE) for (const hint of m.hints) expect(ids.some((id) => picomatch(hint)(id)), `${m.id}: ${hint}`).toBe(true);
  });
  it("tries hinted fixtures first, and only those when quick", () => {
    const lf = (id: string) => ({ file: `${id}.jsonc`, fixture: { id } }) as never;
    const m = CATALOGUE.find((x) => x.id === "pty-bare-lf")!;
    const all = [lf("a.b"), lf("exec.tty.crlf"), lf("c.d"), lf("process.tty.crlf")];
    expect(killerOrder(m, all, false).map((f: { fixture: { id: string } }) => f.fixture.id)).toEqual(["exec.tty.crlf", "process.tty.crlf", "a.b", "c.d"]);
    expect(killerOrder(m, all, true)).toHaveLength(2);
  });
  it("scores killed over killed plus survived, equivalents aside", () => {
    const r = (status: "killed" | "survived" | "equivalent") => ({ id: "x", area: "streams" as const, description: "", status, fixturesRun: 0, durationMs: 0 });
    expect(scoreOf([r("killed"), r("killed"), r("killed"), r("survived"), r("equivalent")])).toEqual({ killed: 3, survived: 1, equivalent: 1, score: 75 });
    expect(scoreOf([r("equivalent")]).score).toBeNull();
  });
  it("names a property killer like a fixture killer, in text and Markdown", () => {
    const mutant = (id: string, killedBy: MutantsReport["mutants"][number]["killedBy"]) =>
      ({ id, area: "caps-flags", description: `${id} broken`, status: "killed", killedBy, fixturesRun: 3, durationMs: 1 }) as const;
    const report: MutantsReport = {
      implementation: "x",
      startedAt: "",
      durationMs: 1000,
      quick: false,
      clean: { checked: 1, failed: [] },
      properties: { seed: 42, clean: { passed: ["output-cap/exec"], failed: [{ property: "deny-read", detail: "no" }] } },
      mutants: [mutant("a", { fixture: "exec.cap.exact", step: "2", message: "too long" }), { ...mutant("b", { property: "output-cap/exec", message: "1 byte more" }), propertiesRun: 1 }],
      areas: [{ area: "caps-flags", killed: 2, survived: 0, equivalent: 0, score: 100 }],
      killed: 2,
      survived: 0,
      equivalent: 0,
      score: 100,
    };
    const text = renderMutantsText(report);
    expect(text).toMatch(/^\s+a\s+exec\.cap\.exact \[2\] too long$/m);
    expect(text).toMatch(/^\s+b\s+property output-cap\/exec 1 byte more$/m);
    expect(text).toContain("properties: seed 42, for the corpus's survivors (1 of 2 pass without a mutation; failing without a mutation, so not counted as kills: deny-read)");
    const md = renderMutantsMarkdown(report);
    expect(md).toContain("| killed | `exec.cap.exact` (2) |");
    expect(md).toContain("| killed | property `output-cap/exec` |");
  });
});

describe.skipIf(!built)("mutants (CLI)", () => {
  it("lists the catalogue", () => {
    const r = kit(["--list"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${CATALOGUE.length} mutations`);
  });
  it("reports a killed mutant with the fixture that killed it (JSON on stdout only)", () => {
    const r = kit(["--implementation", REFERENCE, "--mutation", "string-ids", "--filter", "exec.buffered.exit-code", "--reporter", "json", "--min-score", "100"]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.mutants[0]).toMatchObject({ id: "string-ids", status: "killed", killedBy: { fixture: "exec.buffered.exit-code" } });
    expect(report.score).toBe(100);
  });
  it("exits 1 when a survivor puts the score below --min-score, and names it", () => {
    const r = kit(["--implementation", REFERENCE, "--mutation", "timeout-doubled", "--filter", "exec.buffered.exit-code", "--no-properties", "--min-score", "50"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/survivors[^\n]*\n\s+timeout-doubled \[timeouts\]/);
  });
  it("does not count a mutation declared equivalent", () => {
    const r = kit(["--implementation", REFERENCE, "--mutation", "timeout-doubled", "--filter", "exec.buffered.exit-code", "--no-properties", "--equivalent", "timeout-doubled=a test reason", "--reporter", "json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ equivalent: 1, survived: 0, score: null });
  });
  // cap-off-by-one passes the handshake fixture; the output-cap property (seed 7: its third
  // process/spawn case reaches the cap) sees the extra byte.
  const survivorOfTheSlice = ["--implementation", REFERENCE, "--mutation", "cap-off-by-one", "--filter", "handshake.initialize-result"];
  it("kills a mutant that survives the corpus with the first failing property, same seed as `run --seed`", () => {
    const r = kit([...survivorOfTheSlice, "--seed", "7", "--min-score", "100"], 400_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^properties: seed 7, for the corpus's survivors \(12 of 12 pass without a mutation\)$/m);
    expect(r.stdout).toMatch(/^\s+cap-off-by-one\s+property output-cap\/(exec|process) \w+: (streamed|buffered)/m);
    expect(r.stderr).toMatch(/cap-off-by-one: survived 1 fixtures; the properties next/);
  }, 420_000);
  it("leaves that mutant a survivor with --no-properties (and --quick never runs properties)", () => {
    for (const skip of ["--no-properties", "--quick"]) {
      const r = kit([...survivorOfTheSlice, skip, "--reporter", "json"]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.mutants[0]).toMatchObject({ id: "cap-off-by-one", status: "survived" });
      expect(report.mutants[0].propertiesRun).toBeUndefined();
      expect(report.properties).toBeUndefined();
    }
  }, 240_000);
  it("refuses unknown mutations, areas and socket servers with exit 2", () => {
    expect(kit(["--implementation", REFERENCE, "--mutation", "no-such-mutation"]).status).toBe(2);
    expect(kit(["--implementation", REFERENCE, "--area", "nowhere"]).status).toBe(2);
    expect(kit(["--server", "ws://127.0.0.1:9"]).status).toBe(2);
    expect(kit(["--implementation", REFERENCE, "--equivalent", "no-such=reason"]).status).toBe(2);
    const seedWithoutProperties = kit(["--implementation", REFERENCE, "--quick", "--seed", "7"]);
    expect(seedWithoutProperties.status).toBe(2);
    expect(seedWithoutProperties.stderr).toMatch(/--seed is the properties' seed/);
  }, 120_000);
});
