// The run-report reader, the page model (cells, counts, the trend across releases), the
// release table, and the matrix's range parsing and applicability rules.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFixtures } from "../../src/fixture/load.ts";
import { fixtureMethods, restrictToMethods } from "../../src/matrix/applicability.ts";
import { parseCodexRange, versionsInRange, exactVersions } from "../../src/matrix/releases.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { renderHtml } from "../../src/report/html.ts";
import { buildModel, categoryOf } from "../../src/report/model.ts";
import { renderReleaseTable } from "../../src/report/release-table.ts";
import { baselineOf, parseRunReport, RunReportError, type RunOutcome } from "../../src/report/run-report.ts";
import { selectFixtures } from "../../src/runner/suite.ts";
import { DEFAULT_AD_HOC_FEATURES } from "../../src/descriptor/implementation.ts";

const fx = (id: string, outcome: RunOutcome, extra: Record<string, unknown> = {}) => ({
  id,
  file: `fixtures/${id.split(".")[0]}/${id}.jsonc`,
  title: id,
  obligation: "required",
  tags: [],
  spec: "s",
  outcome,
  detail: outcome === "pass" ? "" : "why",
  verdict: undefined,
  runs: [],
  durationMs: 1,
  ...extra,
});
const report = (implementation: string, fixtures: unknown[], extra: Record<string, unknown> = {}) =>
  parseRunReport({ implementation, startedAt: "2026-01-01T00:00:00Z", durationMs: 5, fixtures, unknownBaselineEntries: [], ...extra }, implementation);

describe("run report reader", () => {
  it("reads today's shape and recomputes counts from the fixtures", () => {
    const r = report("x", [fx("exec.a", "pass"), fx("exec.b", "stale"), fx("process.c", "skip")], { counts: { pass: 99 } });
    expect(r.counts).toMatchObject({ pass: 1, stale: 1, skip: 1, fail: 0 });
    expect(r.fixtures[0]!.spec).toEqual(["s"]);
  });

  it("keeps fields newer kits add and tolerates unknown outcomes and missing members", () => {
    const r = report("x", [{ id: "property.spawn-roundtrip", kind: "property", outcome: "pass", extra: 1 }, { id: "exec.y", outcome: "exploded" }], {
      schemaVersion: 2,
      descriptor: { name: "x", features: ["tty"], baseline: [{ fixture: "exec.y", reason: "known" }] },
      futureField: { a: 1 },
    });
    expect(r.schemaVersion).toBe(2);
    expect((r as Record<string, unknown>).futureField).toEqual({ a: 1 });
    expect(r.fixtures[1]!.outcome).toBe("error");
    expect(r.fixtures[0]!.tags).toEqual([]);
    expect(baselineOf(r)).toEqual({ size: 1, reasons: [{ fixture: "exec.y", reason: "known" }] });
    expect(buildModel([{ report: r, source: "x" }]).areas).toEqual(["exec", "properties"]);
  });

  it("rejects what is not a run report, saying how to make one", () => {
    expect(() => parseRunReport({ hello: 1 }, "a.json")).toThrow(RunReportError);
    expect(() => parseRunReport([], "a.json")).toThrow(/a\.json: not a run report .*--reporter json/);
  });
});

describe("page model", () => {
  const releases = [
    report("codex-0.1.0", [fx("exec.a", "pass"), fx("exec.b", "fail"), fx("process.p", "skip"), fx("process.q", "skip")]),
    report("codex-0.2.0", [fx("exec.a", "pass"), fx("exec.b", "pass"), fx("process.p", "fail"), fx("process.q", "pass")]),
    report("codex-0.10.0", [fx("exec.a", "fail"), fx("exec.b", "pass"), fx("process.p", "pass"), fx("process.q", "pass")]),
    report("reference", [fx("exec.a", "pass"), fx("exec.b", "xfail")]),
  ];
  // Given out of order: releases sort by version (0.10.0 after 0.2.0), not by name.
  const model = buildModel([releases[2]!, releases[0]!, releases[3]!, releases[1]!].map((r) => ({ report: r, source: r.implementation })));

  it("maps outcomes to cell categories; a fixture missing from a run is not applicable there", () => {
    expect(["pass", "stale", "xfail", "warn", "skip", "fail", "error", "flaky", "absent"].map((o) => categoryOf(o as RunOutcome))).toEqual(["pass", "pass", "xfail", "warn", "na", "fail", "fail", "fail", "na"]);
    const ref = model.runs.findIndex((r) => r.label === "reference");
    expect(model.runs[ref]!.categories).toEqual({ pass: 1, fail: 0, warn: 0, xfail: 1, na: 2 });
    expect(model.runs[ref]!.areas.process).toEqual({ pass: 0, fail: 0, warn: 0, xfail: 0, na: 2 });
  });

  it("builds the trend over releases: passing per release, starts and stops, first passing per area", () => {
    const t = model.trend!;
    expect(t.releases).toEqual(["0.1.0", "0.2.0", "0.10.0"]);
    expect(t.passing).toEqual([1, 3, 3]);
    expect(t.applicable).toEqual([2, 4, 4]);
    expect(t.transitions).toEqual([
      { fixture: "exec.a", release: "0.10.0", kind: "stopped" },
      { fixture: "exec.b", release: "0.2.0", kind: "started" },
      { fixture: "process.p", release: "0.10.0", kind: "started" },
      { fixture: "process.q", release: "0.2.0", kind: "arrived" },
    ]);
    expect(t.areaFirstPass).toEqual({ exec: { any: "0.1.0", all: "0.2.0" }, process: { any: "0.2.0", all: "0.10.0" } });
  });

  it("writes the release table, marked as generated", () => {
    const md = renderReleaseTable(model);
    expect(md).toMatch(/^<!-- Generated by/);
    expect(md).toContain("| 0.10.0 | 3 | 1 | 0 | 0 | 0 | 1/2 | 2/2 |");
    expect(md).toContain("| reference (not a release) | 1 | 0 | 0 | 1 | 2 | 1/2 | 0/0 |");
    expect(md).toContain("- `exec.a` at 0.10.0");
    expect(md).toContain("- 0.2.0: 1 (process 1)");
  });

  it("inlines everything: no external references, embedded data cannot close its script", () => {
    const evil = report("x", [fx("exec.a", "fail", { detail: "</script><script>alert(1)</script>" })]);
    const html = renderHtml([{ report: evil, source: "x" }]);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe("matrix: releases and applicability", () => {
  it("parses ranges and lists", () => {
    expect(parseCodexRange("0.120.0..0.171.0")).toEqual([{ from: "0.120.0", to: "0.171.0" }]);
    expect(exactVersions(parseCodexRange("0.169.0, 0.120.0"))).toEqual(["0.120.0", "0.169.0"]);
    expect(exactVersions(parseCodexRange("0.120.0.."))).toBeUndefined();
    expect(versionsInRange(parseCodexRange("0.9.0..0.10.0,0.12.1"), ["0.8.0", "0.9.0", "0.10.0", "0.10.1", "0.12.1", "0.11.0-alpha.1"])).toEqual(["0.9.0", "0.10.0", "0.12.1"]);
    expect(() => parseCodexRange("0.2.0..0.1.0")).toThrow(/empty range/);
    expect(() => parseCodexRange("latest")).toThrow(/not a release version/);
  });

  it("a release lacking a method a fixture uses makes that fixture not applicable", () => {
    const { fixtures } = loadFixtures(join(packageRoot(), "fixtures"));
    const byId = new Map(fixtures.map((lf) => [lf.fixture.id, lf.fixture]));
    expect(fixtureMethods(byId.get("process.cap.absent-default-1mib")!)).toEqual(["process/exited", "process/spawn"]);
    // A deliberately unknown method is part of the test, not a requirement.
    expect(fixtureMethods(byId.get("errors.unknown-method")!)).not.toContain(expect.stringMatching(/unknown/));
    const selection = selectFixtures(fixtures, { filter: [], tags: [], features: [...DEFAULT_AD_HOC_FEATURES, "unix", "signals"] });
    const stableOnly = ["initialize", "initialized", "command/exec", "command/exec/write", "command/exec/terminate", "command/exec/resize", "command/exec/outputDelta"];
    const restricted = restrictToMethods(selection, stableOnly, "codex-0.1.0");
    expect(restricted.selected.length + restricted.skipped.length).toBe(selection.selected.length + selection.skipped.length);
    expect(restricted.selected.some((lf) => lf.fixture.id.startsWith("process."))).toBe(false);
    expect(restricted.selected.some((lf) => lf.fixture.id.startsWith("exec."))).toBe(true);
    expect(restricted.skipped.find((s) => s.loaded.fixture.id === "process.cap.absent-default-1mib")!.reason).toBe(
      "not applicable: codex-0.1.0 has no process/exited, process/spawn (from its generate-json-schema)",
    );
  });
});
