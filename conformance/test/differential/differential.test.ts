// The differential engine against real servers: the reference server twice (no false
// positives), and the reference behind the mutating proxy with one behaviour broken (the
// divergence is found, shrunk to one request, and recorded as a fixture that fails against
// the broken server and passes against the reference).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATORS } from "../../src/differential/generators.ts";
import type { Session } from "../../src/differential/session.ts";
import { runDifferential } from "../../src/differential/runner.ts";
import { Fixture } from "../../src/fixture/format.ts";
import { parseFixture } from "../../src/fixture/load.ts";
import type { Implementation } from "../../src/descriptor/implementation.ts";
import { MUTATION_VAR, TARGET_VAR } from "../../src/mutants/catalogue.ts";
import { kitProgramArgv, packageRoot } from "../../src/probe/probe-path.ts";
import { recordFindings, verifyFixture } from "../../src/record/record.ts";
import { PROBE, probeBuilt } from "../support/helpers.ts";

const REFERENCE_ARGV = [process.execPath, join(packageRoot(), "dist", "reference-server", "src", "main.cjs")];
const impl = (name: string, argv: string[], env: Record<string, string> = {}): Implementation => ({
  name,
  file: undefined,
  argv,
  env,
  features: [],
  timeoutMultiplier: 1,
  baselineFile: undefined,
  baseline: [],
  setupHint: undefined,
});
const reference = impl("reference", REFERENCE_ARGV);
const mutant = (mutation: string) =>
  impl(`reference+${mutation}`, kitProgramArgv("mutants/proxy"), { [TARGET_VAR]: JSON.stringify(REFERENCE_ARGV), [MUTATION_VAR]: mutation });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.skipIf(!probeBuilt)("differential", () => {
  it("finds no divergence between the reference server and itself", { timeout: 60_000 }, async () => {
    const report = await runDifferential({ server: reference, oracle: reference, probe: PROBE, areas: ["exec", "malformed"], seed: 7, runs: 6, jobs: 1, known: [] });
    expect(report.sessions).toBeGreaterThanOrEqual(6);
    expect(report.findings.map((f) => f.signature)).toEqual([]);
  });

  it("finds an output cap off by one, shrinks it to one request and records a fixture that tells the two apart", { timeout: 150_000 }, async () => {
    const broken = mutant("cap-off-by-one");
    // generated exec sessions with one cap-sensitive request added (a cap below the output's
    // size), so the first session shows the divergence whatever the seed, and the search must
    // shrink the rest away
    const capped = fc.tuple(GENERATORS.exec, fc.constantFrom(1, 4, 5, 9)).map(([s, cap]): Session => ({
      ...s,
      actions: [
        ...s.actions,
        { do: "send", id: 100, method: "command/exec", params: { command: ["${probe}", "outn", "10"], outputBytesCap: cap, sandboxPolicy: { type: "dangerFullAccess" } } },
        { do: "awaitResponse", id: 100 },
      ],
    }));
    const report = await runDifferential({ server: broken, oracle: reference, probe: PROBE, areas: ["exec"], sessions: capped, seed: 15, runs: 2, jobs: 1, known: [], shrinkBudgetMs: 15_000 });
    expect(report.findings.length).toBeGreaterThan(0);
    const finding = report.findings[0]!;
    expect(finding.session.actions.filter((a) => a.do === "send")).toHaveLength(1);
    expect(JSON.stringify(finding.session.actions[0])).toContain("outputBytesCap");

    const dir = mkdtempSync(join(tmpdir(), "asc-diff-test-"));
    dirs.push(dir);
    const recorded = await recordFindings([finding], { dir, oracle: reference, probe: PROBE });
    const file = recorded.get(finding.signature)!;
    expect(file).not.toContain("NOT VERIFIED");
    const parsed = parseFixture(readFileSync(file, "utf8"), file);
    if (!parsed.ok) throw new Error(parsed.message);
    const fixture = Fixture.parse(parsed.fixture);
    const clean = await verifyFixture(fixture, file, reference, PROBE);
    expect(clean.problems).toEqual([]);
    const against = await verifyFixture(fixture, file, broken, PROBE);
    expect(against.problems.filter((p) => p.startsWith("against")).length).toBeGreaterThan(0);
  });
});
