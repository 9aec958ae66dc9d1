// Fixture evidence: messages the corpus exchanges must still validate against the new schema.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleFromDocument, loadBundleFromPath } from "../../src/compat/bundle.ts";
import type { Json } from "../../src/compat/model.ts";
import { checkFixtureMessages, extractMessages, FixtureValidator, literalPart, loadFixtureMessages } from "../../src/compat/fixtures.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const current = () => loadBundleFromPath(join(REPO, "schema", "json"));
function mutated(edit: (defs: Record<string, Json>) => void) {
  const doc = structuredClone(current().document);
  edit(doc.definitions as Record<string, Json>);
  return bundleFromDocument(doc, "mutated");
}
const props = (defs: Record<string, Json>, name: string) => defs[name]!.properties as Record<string, Json>;

const fixture = {
  id: "exec.sample",
  title: "sample",
  spec: "x",
  steps: [
    { step: "send", name: "run", id: 1, method: "command/exec", params: { command: ["echo", "${workspace}"], tty: false, timeoutMs: 1000 } },
    { step: "expectResponse", name: "done", id: 1, result: { exitCode: 0, stdout: { $regex: "^/" } } },
    { step: "send", id: 2, method: "command/exec", params: { command: "nope" }, invalid: true },
    { step: "expectResponse", id: 2, error: { code: -32602, message: { $startsWith: "Invalid" } } },
    { step: "notify", method: "initialized" },
    { step: "expectNotifications", name: "deltas", messages: [{ method: "command/exec/outputDelta", params: { stream: "stdout", deltaBase64: { $type: "string" } } }] },
    { step: "expectStream", processId: "p", stream: "stdout", text: "hi" },
  ],
};

describe("extracting messages from a fixture", () => {
  it("reads client messages, expected results, errors and notifications with their step names", () => {
    const msgs = extractMessages(fixture, "fixtures/exec/exec.sample.jsonc");
    expect(msgs.map((m) => `${m.step} ${m.kind} ${m.method ?? "-"} ${m.literal}`)).toEqual([
      "run request command/exec true",
      "done result command/exec false",
      "3 error command/exec false",
      "4 clientNotification initialized true",
      "deltas.messages[0] serverNotification command/exec/outputDelta false",
    ]);
  });
  it("keeps the literal part of an expectation: matchers dropped, $exact unwrapped", () => {
    expect(literalPart({ a: 1, b: { $regex: "x" }, c: [{ $any: true }, 2], d: { $exact: { e: 3 } } })).toEqual({ a: 1, c: [2], d: { e: 3 } });
    expect(literalPart({ $type: "object" })).toBeUndefined();
  });
  it("every message of the committed corpus validates against the current schema", () => {
    const dir = join(REPO, "fixtures");
    if (!existsSync(dir)) return;
    const { messages, problems } = loadFixtureMessages(dir, REPO);
    expect(problems).toEqual([]);
    const v = new FixtureValidator(current());
    const invalid = messages.map((m) => ({ m, r: v.validate(m) })).filter(({ r }) => r.status === "invalid");
    expect(invalid.map(({ m, r }) => `${m.file}#${m.step}: ${JSON.stringify(r)}`)).toEqual([]);
  });
});

describe("fixture evidence against a changed schema", () => {
  const msgs = extractMessages(fixture, "fixtures/exec/exec.sample.jsonc");

  it("is silent when nothing changed", () => {
    expect(checkFixtureMessages(msgs, current(), current())).toEqual([]);
  });
  it("names the fixture and the step of a client message the new schema rejects", () => {
    const after = mutated((d) => void (props(d, "CommandExecParams").tty = { type: "integer" }));
    const [f, ...rest] = checkFixtureMessages(msgs, after, current());
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: "fixture-invalid", severity: "breaking", path: "fixtures/exec/exec.sample.jsonc#run", fixture: { file: "fixtures/exec/exec.sample.jsonc", step: "run" } });
    expect(f!.message).toContain("exec.sample");
    expect(f!.message).toContain("/tty");
  });
  it("checks literal expected values but not matcher objects", () => {
    const exitCodeIsString = mutated((d) => void (props(d, "CommandExecResponse").exitCode = { type: "string" }));
    expect(checkFixtureMessages(msgs, exitCodeIsString, current()).map((f) => f.path)).toEqual(["fixtures/exec/exec.sample.jsonc#done"]);
    const stdoutIsNumber = mutated((d) => void (props(d, "CommandExecResponse").stdout = { type: "number" }));
    expect(checkFixtureMessages(msgs, stdoutIsNumber, current())).toEqual([]);
    const streamRenamed = mutated((d) => void (d.CommandExecOutputStream!.enum = ["out", "err"]));
    expect(checkFixtureMessages(msgs, streamRenamed, current()).map((f) => f.path)).toEqual(["fixtures/exec/exec.sample.jsonc#deltas.messages[0]"]);
  });
  it("reports a removed method, and ignores messages the old schema already rejected", () => {
    const noExec = mutated(() => {});
    delete noExec.methods["command/exec"];
    expect(checkFixtureMessages(msgs, noExec, current()).map((f) => f.path)).toEqual([
      "fixtures/exec/exec.sample.jsonc#run",
      "fixtures/exec/exec.sample.jsonc#done",
    ]);
    const bogus = extractMessages({ steps: [{ step: "send", id: 1, method: "command/exec", params: { command: 5 } }] }, "f.jsonc");
    expect(checkFixtureMessages(bogus, current(), current())).toEqual([]);
  });
});
