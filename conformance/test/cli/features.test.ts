// Features fine enough for a partial server: derived per fixture from what it sends,
// listed by `list --features`, respected by the properties (a buffered-only server gets no
// streaming request), and summed up at the end of a run ("what am I missing?").
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requiredFeatures } from "../../src/fixture/features.ts";
import { adHocImplementation, implementationFromOptions } from "../../src/descriptor/implementation.ts";
import { runProperties } from "../../src/properties/run.ts";
import { fixture } from "../support/helpers.ts";
import { cli, cliBuilt, NODE, PARTIAL_SERVER, partialServer } from "../support/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "asc-features-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exec = (params: object, method = "command/exec") => ({ step: "send" as const, id: 1, method, params: { command: ["x"], ...params } });

describe("features a fixture needs", () => {
  it("are derived from what it sends, plus its feature tags", () => {
    expect(requiredFeatures(fixture([exec({ sandboxPolicy: { type: "dangerFullAccess" } })]))).toEqual([]);
    expect(requiredFeatures(fixture([exec({ processId: "p", streamStdoutStderr: true })]))).toEqual(["streaming-output"]);
    expect(requiredFeatures(fixture([exec({ processId: "p", streamStdin: true, tty: true })]))).toEqual(["streaming-stdin", "tty"]);
    expect(requiredFeatures(fixture([{ step: "send", id: 1, method: "command/exec/terminate", params: { processId: "p" } }]))).toEqual(["follow-up"]);
    expect(requiredFeatures(fixture([{ step: "send", id: 1, method: "process/kill", params: { processHandle: "h" } }], { tags: ["experimental"] }))).toEqual([
      "experimental",
      "process-api",
    ]);
    expect(requiredFeatures(fixture([exec({ sandboxPolicy: { type: "readOnly" } })]))).toEqual(["sandbox"]);
    expect(requiredFeatures(fixture([{ step: "sendRaw", line: '{"id":1,"method":"command/exec/write","params":{"processId":"p"}}' }]))).toEqual([
      "streaming-stdin",
      "follow-up",
    ]);
    expect(requiredFeatures(fixture([{ step: "expectStream", processId: "p", stream: "stdout", text: "x" }]))).toEqual(["streaming-output"]);
  });
});

describe.skipIf(!cliBuilt)("a partial server", { timeout: 180_000 }, () => {
  it("is never sent what it does not claim by the properties", async () => {
    const log = join(dir, "requests.log");
    const impl = adHocImplementation([NODE, PARTIAL_SERVER, "--log", log], ["unix"]);
    const report = await runProperties({
      implementation: impl,
      only: ["output-cap/exec", "env/exec", "stdin/exec", "lifecycle/exec", "bad-input/junk", "output-cap/process", "sandbox-roundtrip"],
      runs: 15,
      seed: 11,
      shrinkBudgetMs: 500,
    });
    const status = Object.fromEntries(report.results.map((r) => [r.id, r.status === "skip" ? r.skipReason : r.status]));
    expect(status["stdin/exec"]).toMatch(/does not claim streaming-stdin, follow-up/);
    expect(status["lifecycle/exec"]).toMatch(/does not claim follow-up/);
    expect(status["output-cap/process"]).toMatch(/does not claim process-api/);
    expect(status["sandbox-roundtrip"]).toMatch(/does not claim sandbox/);
    expect(existsSync(log)).toBe(true);
    const sent = readFileSync(log, "utf8");
    expect(sent).toContain('"method":"command/exec"');
    expect(sent).not.toMatch(/"streamStdoutStderr":true|"streamStdin":true|"tty":true|"method":"process\/|"method":"command\/exec\/|"type":"(readOnly|workspaceWrite)"/);
  });

  it("gets a table of what it is missing, by area and feature (pretty and Markdown)", async () => {
    const md = join(dir, "r.md");
    const r = await cli(["run", "--server", partialServer(), "--feature", "unix", "--filter", "exec.buffered.*", "--filter", "exec.stream.*", "--reporter", "pretty", "--reporter", "markdown", "--out", md]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Running 10 fixtures \(\d+ not applicable\)/);
    expect(r.stdout).toMatch(/What is covered and what is missing/);
    expect(r.stdout).toMatch(/\n  exec +10 +0 +0 +0 +[1-9]\d*\n/);
    expect(r.stdout).toMatch(/\n  streaming-output +0 +0 +0 +0 +[1-9]\d*\n/);
    expect(r.stdout).toMatch(/10 passed, 0 failed \(10 fixtures run, \d+ not applicable/);
    // Never silent about what did not run: one line above the totals names the groups.
    expect(r.stdout).toMatch(/\nnot run: [^\n]*streaming-output \([1-9]\d*\)[^\n]*: \d+ fixture\(s\) skipped because [^\n]* does not claim these features\n[^\n]*PASS/);
    const text = readFileSync(md, "utf8");
    expect(text).toMatch(/⏭️ not run: [^\n]*streaming-output/);
    expect(text).toContain("## What is missing?");
    expect(text).toMatch(/\| feature `streaming-output` \| 0 \| 0 \| 0 \| 0 \| [1-9]\d* \|/);
  });

  it("--server alone claims sandboxing: a security claim is judged, not excused", () => {
    const impl = implementationFromOptions({ server: `${NODE} ${PARTIAL_SERVER}` });
    expect(impl.features).toEqual(expect.arrayContaining(["sandbox", "sandbox:default"]));
  });

  it("list --features explains every feature with its fixture count", async () => {
    const r = await cli(["list", "--features"]);
    expect(r.code).toBe(0);
    for (const f of ["streaming-output", "streaming-stdin", "follow-up", "tty", "process-api", "sandbox"]) expect(r.stdout).toMatch(new RegExp(`^${f} +[1-9]\\d* fixtures  \\S`, "m"));
  });
});
