// Baselines, suite outcomes, descriptors, reporters and the CLI.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { judge, serializeBaseline, updatedBaseline, type BaselineEntry } from "../../src/baseline/baseline.ts";
import { Fixture } from "../../src/fixture/format.ts";
import { expandDescriptorString, loadImplementation, type Implementation } from "../../src/descriptor/implementation.ts";
import { renderJson } from "../../src/reporters/json.ts";
import { renderJunit } from "../../src/reporters/junit.ts";
import { renderMarkdown } from "../../src/reporters/markdown.ts";
import { renderPretty } from "../../src/reporters/pretty.ts";
import { renderTap } from "../../src/reporters/tap.ts";
import { plainClosingLine, summaryLine } from "../../src/reporters/common.ts";
import type { FixtureResult } from "../../src/runner/run-fixture.ts";
import { splitCommandLine } from "../../src/transports/server-process.ts";
import { runSuite, selectFixtures } from "../../src/runner/suite.ts";
import { FAKE_SERVER, PROBE } from "../support/helpers.ts";

const result = (id: string, failures: FixtureResult["failures"] = []): FixtureResult => ({
  id,
  status: failures.length ? "fail" : "pass",
  failures,
  durationMs: 1,
  stepsRun: 1,
  transcript: [],
});

describe("baseline judging", () => {
  const entry: BaselineEntry = { fixture: "a", step: "2", reason: "not implemented", message: "no active" };
  it("an unlisted failure fails, an unlisted pass passes", () => {
    expect(judge(result("a", [{ step: "1", message: "x" }]), []).kind).toBe("fail");
    expect(judge(result("a"), []).kind).toBe("pass");
  });
  it("a listed failure is expected", () => {
    expect(judge(result("a", [{ step: "2", message: "error: no active process" }]), [entry]).kind).toBe("xfail");
  });
  it("a listed fixture that passes is stale", () => {
    expect(judge(result("a"), [entry]).kind).toBe("stale");
  });
  it("a listed fixture failing at another step or with another message is a mismatch", () => {
    expect(judge(result("a", [{ step: "3", message: "no active" }]), [entry]).kind).toBe("mismatch");
    expect(judge(result("a", [{ step: "2", message: "other" }]), [entry]).kind).toBe("mismatch");
  });
  it("update keeps existing reasons and adds placeholders for new failures", () => {
    const entries = updatedBaseline(
      [result("a", [{ step: "2", message: "no active (got {...})" }]), result("b", [{ step: "0", message: "boom at /tmp/asc-ws-123/x" }]), result("c")],
      [entry],
    );
    expect(entries).toEqual([
      { fixture: "a", step: "2", reason: "not implemented", message: "no active" },
      { fixture: "b", step: "0", reason: expect.stringContaining("TODO"), message: "boom at" },
    ]);
    expect(serializeBaseline(entries, "x")).toContain('"fixture": "a"');
  });
});

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

describe("cli", () => {
  async function cli(args: string[]): Promise<{ code: number | undefined; out: string }> {
    const { buildProgram } = await import("../../src/cli/program.ts");
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const before = process.exitCode;
    process.exitCode = undefined;
    (process.stdout as { write: unknown }).write = (s: string) => {
      chunks.push(String(s));
      return true;
    };
    try {
      await buildProgram().exitOverride().parseAsync(["node", "main", ...args]);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    const code = process.exitCode as number | undefined;
    process.exitCode = before;
    return { code, out: chunks.join("") };
  }
  it("list prints the corpus", async () => {
    const { out } = await cli(["list", "--filter", "handshake.*"]);
    expect(out).toContain("handshake.initialize-result");
  });
  it("lint passes on the committed corpus", async () => {
    const { code, out } = await cli(["lint"]);
    expect(out).toMatch(/0 problem\(s\)/);
    expect(code).toBe(0);
  });
  it("lint catches duplicate ids, wrong file names and mislabelled invalid messages", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-lint-"));
    mkdirSync(join(dir, "a"));
    const f = (id: string, steps: unknown[]) => JSON.stringify({ id, title: "t", spec: "s", steps });
    writeFileSync(join(dir, "a", "x.one.jsonc"), f("x.one", [{ step: "send", id: 1, method: "command/exec", params: { command: ["a"] }, invalid: true }]));
    writeFileSync(join(dir, "a", "x.two.jsonc"), f("x.one", [{ step: "expectResponse", id: 9 }, { step: "send", id: 2, method: "command/exec", params: { command: "a" } }]));
    writeFileSync(join(dir, "a", "x.three.jsonc"), "{ not jsonc");
    writeFileSync(join(dir, "a", "x.four.jsonc"), f("x.four", [{ step: "sleep", ms: 1, withinMS: 5 }]));
    writeFileSync(join(dir, "fixture.schema.json"), "{}\n");
    const { code, out } = await cli(["lint", "--fixtures", dir]);
    expect(code).toBe(1);
    expect(out).toContain("marked invalid but command/exec params are valid");
    expect(out).toContain("duplicate fixture id x.one");
    expect(out).toContain("the file must be named x.one.jsonc");
    expect(out).toContain("no request with id 9 was sent before");
    expect(out).toContain("params are invalid");
    expect(out).toContain("invalid JSONC");
    // Line and column of the misspelt key, and the closest known one.
    expect(out).toMatch(/x\.four\.jsonc:1:\d+: steps\.0: Unrecognized key: "withinMS" \(did you mean "withinMs"\?\)/);
    expect(out).toContain("out of date");
  });
  it("fixture-schema --check agrees with the committed fixture.schema.json", async () => {
    const { code } = await cli(["fixture-schema", "--check"]);
    expect(code).toBe(0);
    const schema = JSON.parse(readFileSync("fixtures/fixture.schema.json", "utf8")) as Record<string, unknown>;
    expect(Object.keys(schema)[0]).toBe("$comment");
  });
  it("run writes JUnit and JSON reports for an ad-hoc --server", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-cli-"));
    const fx = join(dir, "fx", "a");
    mkdirSync(fx, { recursive: true });
    writeFileSync(join(fx, "t.ok.jsonc"), JSON.stringify({ id: "t.ok", title: "t", spec: "s", steps: [{ step: "sleep", ms: 1 }] }));
    const { code } = await cli([
      "run", "--no-properties", "--server", `"${process.execPath}" "${FAKE_SERVER}"`, "--fixtures", join(dir, "fx"),
      "--reporter", "junit", "--out", join(dir, "r.xml"), "--reporter", "json", "--out", join(dir, "r.json"),
    ]);
    expect(code).toBe(0);
    expect(readFileSync(join(dir, "r.xml"), "utf8")).toContain('name="t.ok"');
    expect(JSON.parse(readFileSync(join(dir, "r.json"), "utf8")).ok).toBe(true);
  });
  it("run --update-baseline writes the baseline, and the next run passes with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "asc-upd-"));
    const fx = join(dir, "fx", "a");
    mkdirSync(fx, { recursive: true });
    writeFileSync(join(fx, "t.ok.jsonc"), JSON.stringify({ id: "t.ok", title: "t", spec: "s", steps: [{ step: "sleep", ms: 1 }] }));
    writeFileSync(join(fx, "t.bad.jsonc"), JSON.stringify({ id: "t.bad", title: "t", spec: "s", steps: [{ step: "waitFile", path: "never", withinMs: 50 }] }));
    const descriptor = join(dir, "impl.jsonc");
    writeFileSync(descriptor, JSON.stringify({ name: "fake", command: [process.execPath, FAKE_SERVER], baseline: "impl.baseline.jsonc" }));
    const first = await cli(["run", "--no-properties", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--reporter", "json", "--out", join(dir, "r.json")]);
    expect(first.code).toBe(1);
    await cli(["run", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--update-baseline", "--reporter", "json", "--out", join(dir, "r.json")]);
    const written = readFileSync(join(dir, "impl.baseline.jsonc"), "utf8");
    expect(written).toContain('"fixture": "t.bad"');
    expect(written).not.toContain("t.ok");
    const second = await cli(["run", "--no-properties", "--implementation", descriptor, "--fixtures", join(dir, "fx"), "--reporter", "json", "--out", join(dir, "r.json")]);
    expect(second.code).toBe(0);
  });
  it("the corpus has at least 120 fixtures across the required areas", async () => {
    const { out } = await cli(["list", "--json"]);
    const rows = JSON.parse(out) as { id: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(120);
    for (const area of ["handshake.", "errors.", "exec.", "process.", "connection.", "gating.", "sandbox."]) {
      expect(rows.some((r) => r.id.startsWith(area))).toBe(true);
    }
  });
});
