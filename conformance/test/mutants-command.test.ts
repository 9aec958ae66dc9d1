// `app-server-conformance mutants` run the way its --help says, against the built reference
// server: a killed mutant, a survivor below the floor, the catalogue, and usage errors.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import picomatch from "picomatch";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { AREAS, CATALOGUE } from "../src/mutants/catalogue.ts";
import { killerOrder, scoreOf } from "../src/mutants/run.ts";
import { packageRoot } from "../src/probe/probe-path.ts";

const root = packageRoot();
const CLI = join(root, "dist", "conformance", "src", "cli", "main.js");
const REFERENCE = join(root, "fixtures", "implementations", "reference.jsonc");
const built = existsSync(CLI) && existsSync(join(root, "dist", "reference-server", "src", "main.cjs"));

const kit = (args: string[]) => spawnSync(process.execPath, [CLI, "mutants", ...args], { encoding: "utf8", timeout: 120_000 });

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
    const r = kit(["--implementation", REFERENCE, "--mutation", "timeout-doubled", "--filter", "exec.buffered.exit-code", "--min-score", "50"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/survivors[^\n]*\n\s+timeout-doubled \[timeouts\]/);
  });
  it("does not count a mutation declared equivalent", () => {
    const r = kit(["--implementation", REFERENCE, "--mutation", "timeout-doubled", "--filter", "exec.buffered.exit-code", "--equivalent", "timeout-doubled=a test reason", "--reporter", "json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ equivalent: 1, survived: 0, score: null });
  });
  it("refuses unknown mutations, areas and socket servers with exit 2", () => {
    expect(kit(["--implementation", REFERENCE, "--mutation", "no-such-mutation"]).status).toBe(2);
    expect(kit(["--implementation", REFERENCE, "--area", "nowhere"]).status).toBe(2);
    expect(kit(["--server", "ws://127.0.0.1:9"]).status).toBe(2);
    expect(kit(["--implementation", REFERENCE, "--equivalent", "no-such=reason"]).status).toBe(2);
  }, 120_000);
});
