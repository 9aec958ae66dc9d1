// Suite outcomes (selection, fail/warn/skip/xfail/stale, unknown baseline entries, --repeat
// flakiness) and every report format rendering them.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import type { BaselineEntry } from "../../src/baseline/baseline.ts";
import { Fixture } from "../../src/fixture/format.ts";
import type { Implementation } from "../../src/descriptor/implementation.ts";
import { renderJson } from "../../src/reporters/json.ts";
import { renderJunit } from "../../src/reporters/junit.ts";
import { renderMarkdown } from "../../src/reporters/markdown.ts";
import { renderPretty } from "../../src/reporters/pretty.ts";
import { renderTap } from "../../src/reporters/tap.ts";
import { plainClosingLine, summaryLine } from "../../src/reporters/common.ts";
import { runSuite, selectFixtures } from "../../src/runner/suite.ts";
import { FAKE_SERVER, PROBE } from "../support/helpers.ts";

function loaded(id: string, steps: unknown[], extra: Record<string, unknown> = {}) {
  return { file: `fixtures/t/${id}.jsonc`, fixture: Fixture.parse({ id, title: id, spec: "s", steps, ...extra }) };
}

const fakeImpl = (script: unknown, baseline: BaselineEntry[] = [], features: string[] = []): Implementation => ({
  name: "fake",
  file: undefined,
  argv: [process.execPath, FAKE_SERVER],
  env: { FAKE_SERVER_SCRIPT: JSON.stringify(script) },
  features,
  timeoutMultiplier: 1,
  baselineFile: undefined,
  baseline,
  setupHint: undefined,
});

describe("suite", () => {
  const corpus = [
    loaded("ok.one", [{ step: "sleep", ms: 1 }]),
    loaded("bad.one", [{ step: "waitFile", path: "never", withinMs: 100 }]),
    loaded("soft.one", [{ step: "waitFile", path: "never", withinMs: 100 }], { obligation: "recommended" }),
    loaded("tty.one", [{ step: "sleep", ms: 1 }], { tags: ["tty"] }),
  ];
  const opts = { jobs: 2, repeat: 1, timeoutMultiplier: 1, strict: false, filter: [], tags: [], probe: PROBE };
  it("selects by glob and tag and skips fixtures needing unclaimed features", () => {
    const sel = selectFixtures(corpus, { filter: ["*.one"], tags: [], features: [] });
    expect(sel.selected.map((l) => l.fixture.id)).toEqual(["ok.one", "bad.one", "soft.one"]);
    expect(sel.skipped[0]?.reason).toMatch(/does not claim tty/);
    expect(selectFixtures(corpus, { filter: ["ok.*"], tags: [], features: [] }).partial).toBe(true);
  });
  it("judges outcomes: fail, warn for recommended, skip, xfail and stale", async () => {
    const baseline: BaselineEntry[] = [
      { fixture: "bad.one", reason: "known" },
      { fixture: "ok.one", reason: "was broken" },
    ];
    const report = await runSuite(fakeImpl({}, baseline), selectFixtures(corpus, { filter: [], tags: [], features: [] }), opts);
    const outcome = Object.fromEntries(report.fixtures.map((f) => [f.id, f.outcome]));
    expect(outcome).toEqual({ "bad.one": "xfail", "ok.one": "stale", "soft.one": "warn", "tty.one": "skip" });
    expect(report.ok).toBe(false);
    const strict = await runSuite(fakeImpl({}), selectFixtures(corpus.slice(2, 3), { filter: [], tags: [], features: [] }), { ...opts, strict: true });
    expect(strict.fixtures[0]?.outcome).toBe("fail");
  });
  it("reports baseline entries for unknown fixtures on full runs", async () => {
    const report = await runSuite(fakeImpl({}, [{ fixture: "gone", reason: "r" }]), selectFixtures(corpus.slice(0, 1), { filter: [], tags: [], features: [] }), opts);
    expect(report.unknownBaselineEntries).toHaveLength(1);
    expect(report.ok).toBe(false);
  });
  it("counts stale baseline entries the same way in every line and format", async () => {
    const report = await runSuite(
      fakeImpl({}, [{ fixture: "ok.one", reason: "was broken" }, { fixture: "gone", reason: "removed" }]),
      selectFixtures(corpus.slice(0, 1), { filter: [], tags: [], features: [] }),
      opts,
    );
    expect(summaryLine(report)).toMatch(/^0 passed, 0 failed, 2 stale baseline entries \(1 fixtures run, /);
    expect(plainClosingLine(report)).toBe("conformance: 0 passed, 2 failed");
    expect(renderJunit(report)).toMatch(/<testsuites [^>]*tests="2" failures="2"/);
    expect(renderTap(report).match(/^not ok/gm)).toHaveLength(2);
    expect(renderMarkdown(report)).toMatch(/2 stale baseline entries/);
  });
  it("--repeat flags fixtures whose outcome changes as flaky", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-flaky-"));
    // passes only while the counter file is short: the first run passes, the second fails
    const flaky = loaded("flaky.one", [{ step: "expectFile", path: `${dir}/counter`, exists: false }, { step: "writeFile", path: `${dir}/counter`, content: "1" }]);
    const report = await runSuite(fakeImpl({}), selectFixtures([flaky], { filter: [], tags: [], features: [] }), { ...opts, repeat: 2 });
    expect(report.fixtures[0]?.outcome).toBe("flaky");
  });
  it("renders every report format", async () => {
    const report = await runSuite(fakeImpl({}), selectFixtures(corpus, { filter: [], tags: [], features: ["tty"] }), opts);
    const junit = renderJunit(report);
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).toContain('<testcase classname="t" name="bad.one"');
    expect(junit).toContain("<failure");
    const json = JSON.parse(renderJson(report)) as { counts: Record<string, number>; fixtures: { id: string; runs: { transcript?: unknown }[] }[] };
    expect(json.counts.fail).toBe(1);
    expect(json.fixtures.find((f) => f.id === "bad.one")?.runs[0]?.transcript).toBeDefined();
    expect(json.fixtures.find((f) => f.id === "ok.one")?.runs[0]?.transcript).toBeUndefined();
    const tap = renderTap(report);
    expect(tap).toMatch(/^TAP version 14\n1\.\.4\n/);
    expect(tap).toContain("not ok");
    expect(renderMarkdown(report)).toContain("| ❌ fail | `bad.one` |");
    const pretty = renderPretty(report, { color: false, verbose: false });
    expect(pretty).toMatch(/FAIL fake: 2 passed, 1 failed, 1 warnings/);
    // the failing ids sit next to the totals, where a truncated CI log still shows them
    expect(pretty.trimEnd().split("\n").slice(-2)).toEqual(["failing: bad.one", "conformance: 2 passed, 1 failed"]);
  });
});
