// Every step kind (and the always-on protocol/schema checks) can fail: fixtures run
// against a scriptable fake server whose transcript is hand-made.
import { describe, expect, it } from "vitest";
import {
  delta,
  execOk,
  firstFailure,
  fixture,
  note,
  pdelta,
  probeBuilt,
  PROBE,
  reply,
  replyError,
  runFake,
} from "../support/helpers.ts";

const EXEC = { command: ["x"], sandboxPolicy: { type: "dangerFullAccess" } };
const STREAM = { ...EXEC, processId: "p", streamStdoutStderr: true };
const send = (id: number, method = "command/exec", params: unknown = EXEC) => ({ step: "send" as const, id, method, params });

describe("expectResponse", () => {
  it("passes on a matching result", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, result: { exitCode: 0, stdout: "hi" } }]), {
      rules: [{ method: "command/exec", reply: [execOk("hi")] }],
    });
    expect(firstFailure(r)).toBe("");
    expect(r.status).toBe("pass");
  });
  it("fails on a mismatching result", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, result: { stdout: "hi" } }]), {
      rules: [{ method: "command/exec", reply: [execOk("ho")] }],
    });
    expect(r.status).toBe("fail");
    expect(firstFailure(r)).toMatch(/\[1\] expectResponse: result of id 1 does not match: \$\.stdout: expected "hi", got "ho"/);
  });
  it("fails when an error was expected but a result came", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, error: { code: -32600 } }]), {
      rules: [{ method: "command/exec", reply: [execOk()] }],
    });
    // It says which error was expected.
    expect(firstFailure(r)).toMatch(/expected an error response matching \{"code":-32600\}, got \{"id":1,"result"/);
  });
  it("fails on a mismatching error", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, error: { code: -32600, message: "a" } }]), {
      rules: [{ method: "command/exec", reply: [replyError(-32602, "a")] }],
    });
    expect(firstFailure(r)).toMatch(/\$\.code: expected -32600, got -32602/);
  });
  it("fails when no response arrives in time", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, withinMs: 300 }]), {});
    expect(firstFailure(r)).toMatch(/nothing within 300 ms/);
  });
  it("fails when the id comes back with another JSON type", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1, withinMs: 300 }]), {
      rules: [{ method: "command/exec", reply: [{ id: "1", result: { exitCode: 0, stdout: "", stderr: "" } }] }],
    });
    expect(r.failures.map((f) => f.message).join("\n")).toMatch(/ids must keep their JSON type/);
    expect(r.failures.map((f) => f.message).join("\n")).toMatch(/a response for unknown request id "1"/);
  });
  it("fails early when the server exits while waiting", async () => {
    const r = await runFake(fixture([{ step: "closeStdin" }, send(1), { step: "expectResponse", id: 1 }]), {});
    expect(firstFailure(r)).toMatch(/the server exited/);
  });
});

describe("send and notify", () => {
  it("a fixture's own request must be valid unless marked invalid", async () => {
    const r = await runFake(fixture([send(1, "command/exec", { command: "x" })]), {});
    expect(firstFailure(r)).toMatch(/the fixture's own request is invalid/);
  });
  it("a fixture's own notification must be valid", async () => {
    const r = await runFake(fixture([{ step: "notify", method: "initialized", params: { x: 1 } }]), {});
    expect(firstFailure(r)).toMatch(/own notification is invalid/);
  });
  it("an experimental request is invalid against the stable schema variant", async () => {
    const r = await runFake(fixture([send(1, "process/kill", { processHandle: "h" })]), {});
    expect(firstFailure(r)).toMatch(/own request is invalid/);
  });
});

describe("expectNotifications", () => {
  const exited = (h: string) => note("process/exited", { processHandle: h, exitCode: 0, stdout: "", stdoutCapReached: false, stderr: "", stderrCapReached: false });
  const spawn = (id: number, h: string) => send(id, "process/spawn", { command: ["x"], processHandle: h, cwd: "/" });
  const script = { rules: [{ method: "process/spawn", reply: [reply({}), exited("b"), exited("a")] }] };
  it("strict order fails when notifications arrive in another order", async () => {
    const f = fixture(
      [spawn(1, "a"), { step: "expectNotifications", order: "strict", withinMs: 400, messages: [{ method: "process/exited", params: { processHandle: "a" } }, { method: "process/exited", params: { processHandle: "b" } }] }],
      { tags: ["experimental"] },
    );
    const r = await runFake(f, script);
    expect(firstFailure(r)).toMatch(/missing: process\/exited \{"processHandle":"b"\}/);
  });
  it("any order passes with the same transcript", async () => {
    const f = fixture(
      [spawn(1, "a"), { step: "expectNotifications", order: "any", messages: [{ method: "process/exited", params: { processHandle: "a" } }, { method: "process/exited", params: { processHandle: "b" } }] }],
      { tags: ["experimental"] },
    );
    expect(firstFailure(await runFake(f, script))).toBe("");
  });
  it("fails with the closest mismatch when params differ", async () => {
    const f = fixture([spawn(1, "a"), { step: "expectNotifications", withinMs: 300, messages: [{ method: "process/exited", params: { processHandle: "a", exitCode: 3 } }] }], {
      tags: ["experimental"],
    });
    expect(firstFailure(await runFake(f, script))).toMatch(/closest: \$\.exitCode: expected 3, got 0/);
  });
  it("notifications outside the surface are ignored", async () => {
    const f = fixture([spawn(1, "a"), { step: "expectResponse", id: 1 }, { step: "expectSilence", ms: 300 }], { tags: ["experimental"] });
    const r = await runFake(f, { rules: [{ method: "process/spawn", reply: [reply({}), note("configWarning", { summary: "x" }), { method: "remoteControl/status/changed", params: {}, emittedAtMs: 1 }] }] });
    expect(firstFailure(r)).toBe("");
  });
});

describe("expectStream", () => {
  const streamStep = (extra: Record<string, unknown>) => ({ step: "expectStream" as const, processId: "p", stream: "stdout" as const, until: { response: 1 }, ...extra });
  it("reassembles chunks and passes", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "hello world", capReached: false }), { step: "expectResponse", id: 1 }]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "hel"), delta("p", "stderr", "zzz"), delta("p", "stdout", "lo world"), execOk()] }],
    });
    expect(firstFailure(r)).toBe("");
  });
  it("fails on mismatching text", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "hello" })]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "help"), execOk()] }],
    });
    expect(firstFailure(r)).toMatch(/stdout stream of "p": text: expected "hello", got "help"/);
  });
  it("fails when capReached is not on the final chunk only", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "abcd", capReached: true })]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "ab", true), delta("p", "stdout", "cd"), execOk()] }],
    });
    expect(firstFailure(r)).toMatch(/capReached: true was followed by 1 more delta/);
  });
  it("fails when capReached is missing", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "ab", capReached: true })]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "ab"), execOk()] }],
    });
    expect(firstFailure(r)).toMatch(/expected capReached: true on the final stdout delta/);
  });
  it("fails when capReached is set but not expected", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "ab", capReached: false })]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "ab", true), execOk()] }],
    });
    expect(firstFailure(r)).toMatch(/expected no stdout delta with capReached: true/);
  });
  it("fails when deltas arrive after the response", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), streamStep({ text: "ab" })]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "a"), execOk(), delta("p", "stdout", "b")] }],
    });
    expect(r.status).toBe("fail");
    expect(firstFailure(r)).toMatch(/arrived after the response|expected "ab", got "a"/);
  });
  it("until match fails when the text never appears", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), { step: "expectStream", processId: "p", stream: "stdout", text: "ready", withinMs: 300 }]), {
      rules: [{ method: "command/exec", reply: [delta("p", "stdout", "not yet")] }],
    });
    expect(firstFailure(r)).toMatch(/nothing within 300 ms \(reassembled so far: "not yet"\)/);
  });
  it("process handles stream until process/exited and check byteLength", async () => {
    const f = fixture(
      [send(1, "process/spawn", { command: ["x"], processHandle: "h", cwd: "/" }), { step: "expectStream", processHandle: "h", stream: "stderr", byteLength: 5 }],
      { tags: ["experimental"] },
    );
    const r = await runFake(f, {
      rules: [{ method: "process/spawn", reply: [reply({}), pdelta("h", "stderr", "1234"), note("process/exited", { processHandle: "h", exitCode: 0, stdout: "", stdoutCapReached: false, stderr: "", stderrCapReached: false })] }],
    });
    expect(firstFailure(r)).toMatch(/byteLength: expected 5, got 4/);
  });
});

describe("silence, order, exit, files", () => {
  it("expectSilence fails when a message arrives", async () => {
    const r = await runFake(fixture([send(1), { step: "expectSilence", ms: 300 }]), { rules: [{ method: "command/exec", reply: [execOk()] }] });
    expect(firstFailure(r)).toMatch(/expected silence for 300 ms/);
  });
  it("expectOrder fails when labelled messages came in the other order", async () => {
    const f = fixture([
      send(1),
      send(2),
      { step: "expectResponse", id: 1, label: "one" },
      { step: "expectResponse", id: 2, label: "two" },
      { step: "expectOrder", labels: ["one", "two"] },
    ]);
    const r = await runFake(f, { rules: [{ method: "command/exec", reply: [{ delayMs: 50 }, { id: 2, result: { exitCode: 0, stdout: "", stderr: "" } }, { id: 1, result: { exitCode: 0, stdout: "", stderr: "" } }] }] });
    expect(firstFailure(r)).toMatch(/expected one before two/);
  });
  it("expectExit fails when the server keeps running", async () => {
    const r = await runFake(fixture([{ step: "closeStdin" }, { step: "expectExit", withinMs: 300 }]), { ignoreEof: true });
    expect(firstFailure(r)).toMatch(/did not exit within 300 ms/);
  });
  it("expectExit fails on a mismatching exit code", async () => {
    const r = await runFake(fixture([{ step: "closeStdin" }, { step: "expectExit", code: 0 }]), { eofExitCode: 3 });
    expect(firstFailure(r)).toMatch(/server exit code: \$: expected 0, got 3/);
  });
  it("waitFile fails when the file never appears; expectFile checks existence and content", async () => {
    const r1 = await runFake(fixture([{ step: "waitFile", path: "never", withinMs: 200 }]), {});
    expect(firstFailure(r1)).toMatch(/did not appear/);
    const r2 = await runFake(fixture([{ step: "writeFile", path: "f.txt", content: "abc" }, { step: "expectFile", path: "f.txt", exists: false }]), {});
    expect(firstFailure(r2)).toMatch(/f.txt exists/);
    const r3 = await runFake(fixture([{ step: "writeFile", path: "f.txt", content: "abc" }, { step: "expectFile", path: "f.txt", content: "abd" }]), {});
    expect(firstFailure(r3)).toMatch(/expected "abd", got "abc"/);
    const r4 = await runFake(fixture([{ step: "expectFile", path: "${workspace}/setup.txt", content: "s" }], { setup: { files: { "setup.txt": "s" } } }), {});
    expect(firstFailure(r4)).toBe("");
  });
  it.skipIf(!probeBuilt)("expectNoLeftovers fails when a probe outlives the server", async () => {
    const r = await runFake(fixture([{ step: "sleep", ms: 700 }, { step: "closeStdin" }, { step: "expectExit" }, { step: "expectNoLeftovers", withinMs: 300 }]), {
      leak: [...PROBE, "sleep", "20000"],
    });
    expect(firstFailure(r)).toMatch(/leftover child processes/);
  });
});

describe("always-on checks", () => {
  it("a non-JSON stdout line is a protocol failure", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1 }]), { rules: [{ method: "command/exec", reply: [{ raw: "log: hello" }, execOk()] }] });
    expect(r.failures.map((f) => f.step)).toContain("protocol");
    expect(r.failures.find((f) => f.step === "protocol")?.message).toMatch(/not JSON: log: hello/);
  });
  it("a jsonrpc member in server messages is a protocol failure", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1 }]), { rules: [{ method: "command/exec", reply: [{ jsonrpc: "2.0", id: "$ID", result: { exitCode: 0, stdout: "", stderr: "" } }] }] });
    expect(r.failures.find((f) => f.step === "protocol")?.message).toMatch(/no jsonrpc member/);
  });
  it("a second response for one id is a protocol failure", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1 }, { step: "sleep", ms: 200 }]), { rules: [{ method: "command/exec", reply: [execOk(), execOk()] }] });
    expect(r.failures.find((f) => f.step === "protocol")?.message).toMatch(/a second response for id 1/);
  });
  it("a result that violates the schema is a schema failure", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1 }]), { rules: [{ method: "command/exec", reply: [reply({ exitCode: "0", stdout: "" })] }] });
    expect(r.failures.map((f) => f.step)).toContain("schema");
  });
  it("a notification that violates the schema is a schema failure", async () => {
    const r = await runFake(fixture([send(1, "command/exec", STREAM), { step: "expectResponse", id: 1 }]), {
      rules: [{ method: "command/exec", reply: [note("command/exec/outputDelta", { processId: "p", stream: "stdout", deltaBase64: "" }), execOk()] }],
    });
    expect(r.failures.find((f) => f.step === "schema")?.message).toMatch(/command\/exec\/outputDelta notification/);
  });
  it("an experimental notification on a stable connection is a protocol failure", async () => {
    const r = await runFake(fixture([send(1), { step: "expectResponse", id: 1 }, { step: "sleep", ms: 100 }]), {
      rules: [{ method: "command/exec", reply: [execOk(), note("process/exited", { processHandle: "h", exitCode: 0, stdout: "", stdoutCapReached: false, stderr: "", stderrCapReached: false })] }],
    });
    expect(r.failures.find((f) => f.step === "protocol")?.message).toMatch(/experimental notification process\/exited/);
  });
  it("a failing initialize fails the handshake", async () => {
    const r = await runFake(fixture([{ step: "sleep", ms: 1 }]), { initialize: "error" });
    expect(firstFailure(r)).toMatch(/^\[handshake\] initialize failed/);
  });
  it("a fixture that overruns its budget fails with timeout", async () => {
    const r = await runFake(fixture([{ step: "sleep", ms: 2000 }], { timeoutMs: 300 }), {});
    expect(firstFailure(r)).toMatch(/^\[timeout\]/);
  });
  it("a server that cannot start is a harness error", async () => {
    const { runFixture } = await import("../../src/runner/run-fixture.ts");
    const r = await runFixture(fixture([{ step: "sleep", ms: 1 }]), { server: { argv: ["/nonexistent/server"], env: {} }, probe: PROBE, timeoutMultiplier: 1 });
    expect(r.status).toBe("error");
  });
});
