// The property suite against real servers with small budgets: Codex 0.169.0 when it is
// installed (skipped visibly otherwise) and the built reference server. Properties whose
// feature a server lacks are reported as skipped with the reason, never as passes.
import { describe, expect, it } from "vitest";
import { requirementsWrapUnavailable } from "../../src/properties/codex-requirements.ts";
import { readClaims } from "../../src/properties/harness.ts";
import { runProperties, type PropertiesReport } from "../../src/properties/run.ts";
import { codexImplementation, PROBE_BUILT, REFERENCE_BUILT, REFERENCE_CLAIMS, referenceImplementation } from "./support/servers.ts";

function summary(r: PropertiesReport): string {
  return r.results
    .map((x) => `${x.status.padEnd(4)} ${x.id}${x.status === "pass" ? ` (${x.runs} runs)` : x.status === "skip" ? `: ${x.skipReason}` : `: ${x.message}\n  counterexample ${x.counterexample}\n  ${x.replay}`}`)
    .join("\n");
}

const codex = codexImplementation();

describe.skipIf(!codex || !PROBE_BUILT)("properties against Codex 0.169.0 (installed)", () => {
  it("every property holds", { timeout: 60_000 }, async () => {
    const report = await runProperties({ implementation: codex!, scale: 0.3, budgetMs: 40_000, regressionsDir: null, shrinkBudgetMs: 10_000 });
    console.info(`codex (seed ${report.seed}):\n${summary(report)}`);
    expect(report.results.filter((r) => r.status === "fail" || r.status === "error"), summary(report)).toEqual([]);
    // Codex implements everything these properties need. Property 5 injects managed
    // requirements with bubblewrap (codex-requirements.ts); without it, it is skipped.
    const wrapMissing = requirementsWrapUnavailable();
    expect(report.results.filter((r) => r.status === "skip").map((r) => `${r.id}: ${r.skipReason}`)).toEqual(wrapMissing ? [`deny-read: ${wrapMissing}`] : []);
  });
});

describe.skipIf(!REFERENCE_BUILT || !PROBE_BUILT)("properties against the reference server", () => {
  it("every applicable property holds", { timeout: 60_000 }, async () => {
    const report = await runProperties({
      implementation: referenceImplementation(),
      scale: 0.3,
      budgetMs: 40_000,
      regressionsDir: null,
      shrinkBudgetMs: 10_000,
      only: ["output-cap", "stdin", "env", "lifecycle", "sandbox-roundtrip", "deny-read", "bad-input"],
    });
    console.info(`reference (seed ${report.seed}):\n${summary(report)}`);
    expect(report.results.filter((r) => r.status === "fail" || r.status === "error"), summary(report)).toEqual([]);
    for (const r of report.results.filter((x) => x.status === "skip")) expect(r.skipReason).toBeTruthy();
    // command/exec works in the reference server today: those properties must really run.
    expect(report.results.filter((r) => r.id.endsWith("/exec") && r.status === "pass").length).toBeGreaterThanOrEqual(3);
  });

  it("properties 4 and 5 with the claims the reference descriptor should carry (inline profiles, --config deny entries)", { timeout: 40_000 }, async () => {
    const implementation = referenceImplementation();
    const claims = readClaims(implementation, REFERENCE_CLAIMS);
    const report = await runProperties({ implementation, claims, only: ["sandbox-roundtrip", "deny-read"], scale: 0.5, budgetMs: 30_000, regressionsDir: null, shrinkBudgetMs: 10_000 });
    console.info(`reference, sandbox (seed ${report.seed}):\n${summary(report)}`);
    expect(report.results.map((r) => r.status), summary(report)).toEqual(["pass", "pass"]);
    expect(report.results[0]!.note).toBeUndefined();
  });

});
