// The hand-serialized output delta (the streaming hot path) must be the same message
// JSON.stringify would produce, and obey opt-outs and the experimental gate.
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../src/config.ts";
import { Session } from "../src/session.ts";

function session(experimentalApi: boolean, optOut: string[] = []) {
  const lines: string[] = [];
  const s = new Session({ send: async (line: string) => void lines.push(line), flush: async () => undefined }, defaultConfig());
  s.experimentalApi = experimentalApi;
  s.optOut = new Set(optOut);
  return { s, lines };
}

describe("notifyOutputDelta", () => {
  it("writes the same message as the generic path, for any id and bytes", async () => {
    const { s, lines } = session(true);
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 0x22, 0x5c]);
    const id = 'we"ird \\ id ✓ \n';
    await s.notifyOutputDelta("process/outputDelta", "processHandle", id, "stderr", bytes, true);
    await s.notifyOutputDelta("command/exec/outputDelta", "processId", "p", "stdout", Buffer.alloc(0), false);
    const [first, second] = lines.map((l) => JSON.parse(l));
    expect(first).toEqual({
      method: "process/outputDelta",
      params: { processHandle: id, stream: "stderr", deltaBase64: bytes.toString("base64"), capReached: true },
      emittedAtMs: expect.any(Number),
    });
    expect(second.params).toEqual({ processId: "p", stream: "stdout", deltaBase64: "", capReached: false });
  });

  it("drops experimental deltas on stable connections and honours opt-outs", async () => {
    const stable = session(false);
    await stable.s.notifyOutputDelta("process/outputDelta", "processHandle", "h", "stdout", Buffer.from("x"), false);
    await stable.s.notifyOutputDelta("command/exec/outputDelta", "processId", "p", "stdout", Buffer.from("x"), false);
    expect(stable.lines.map((l) => JSON.parse(l).method)).toEqual(["command/exec/outputDelta"]);
    const optedOut = session(true, ["command/exec/outputDelta"]);
    await optedOut.s.notifyOutputDelta("command/exec/outputDelta", "processId", "p", "stdout", Buffer.from("x"), false);
    expect(optedOut.lines).toEqual([]);
  });
});
