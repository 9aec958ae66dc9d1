// Requests a hostile or careless client sends: NUL bytes in argv (refused on a terminal as
// on pipes, with Codex's wording), nesting deeper than Codex's parser accepts (a protocol
// error, never an internal one), a duplicated "id" (answered with the id JSON.parse kept).
import { describe, expect, it } from "vitest";
import { withServer } from "../helpers/server.ts";

const DANGER = { type: "dangerFullAccess" };

describe("hostile requests", () => {
  it("refuse NUL bytes in argv and env on pipes and terminals alike", async () => {
    await withServer(async (s) => {
      const nul = ["echo", "a\u0000b"];
      const spawnFailed = (what: string, detail: string) => ({ code: -32603, message: `failed to spawn ${what}: ${detail}` });
      expect((await s.request("command/exec", { command: nul, sandboxPolicy: DANGER })).error).toEqual(spawnFailed("command", "nul byte found in provided data"));
      expect((await s.request("command/exec", { command: nul, sandboxPolicy: DANGER, tty: true, processId: "t" })).error).toEqual(
        spawnFailed("command", "nul byte found in provided data"),
      );
      expect((await s.request("process/spawn", { command: nul, processHandle: "p", cwd: "/tmp", tty: true })).error).toEqual(
        spawnFailed("process", "nul byte found in provided data"),
      );
      expect((await s.request("command/exec", { command: ["true"], sandboxPolicy: DANGER, env: { X: "a\u0000b" } })).error).toEqual(
        spawnFailed("command", "data provided contains a nul byte"),
      );
    });
  });

  it("answer nesting deeper than 128 levels with a protocol error, not an internal one", async () => {
    await withServer(async (s) => {
      for (const depth of [200, 100_000]) {
        const nested = "[".repeat(depth) + "]".repeat(depth);
        s.sendRaw(`{"id":${depth},"method":"command/exec","params":{"command":["true"],"sandboxPolicy":{"type":"dangerFullAccess"},"env":{"a":${nested}}}}`);
        expect((await s.response(depth)).error).toEqual({ code: -32600, message: "Invalid request: recursion limit exceeded" });
      }
      // 127 levels inside params is still a request (here: of the wrong type).
      const ok = "[".repeat(125) + "]".repeat(125);
      s.sendRaw(`{"id":3,"method":"command/exec","params":{"command":["true"],"sandboxPolicy":{"type":"dangerFullAccess"},"env":{"a":${ok}}}}`);
      expect((await s.response(3)).error?.message).toBe("Invalid request: invalid type: sequence, expected a string");
    });
  });

  it("answer a duplicated id with the last one, the one JSON.parse keeps", async () => {
    await withServer(async (s) => {
      s.sendRaw(`{"id":17,"id":18446744073709551,"method":"command/exec","params":{"command":["true"],"sandboxPolicy":{"type":"dangerFullAccess"}}}`);
      s.sendRaw(`{"id":1844674407370955161,"id":19,"method":"command/exec","params":{"command":["true"],"sandboxPolicy":{"type":"dangerFullAccess"}}}`);
      await s.waitFor((m) => m.result !== undefined && s.rawLines.filter((l) => l.includes('"exitCode"')).length === 2);
      const ids = s.rawLines.filter((l) => l.includes('"exitCode"')).map((l) => /^\{"id":(\d+)/.exec(l)?.[1]);
      expect(ids.sort()).toEqual(["18446744073709551", "19"]);
    });
  });
});
