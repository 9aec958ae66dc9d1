// Expanding an inline deny glob over a large tree must not stall the server: requests
// that arrive meanwhile (here: on the same connection; other connections share the same
// event loop) are answered while the scan runs, and the scan ends with a clear refusal
// past its limits.
import { describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { withServer } from "../helpers/server.ts";
import { globStart, walkGlobAsync, DEFAULT_GLOB_LIMITS } from "../../src/sandbox/backends/paths.ts";

const profile = (pattern: string) => ({
  type: "managed",
  fileSystem: {
    type: "restricted",
    entries: [
      { path: { type: "special", value: { kind: "root" } }, access: "read" },
      { path: { type: "glob_pattern", pattern }, access: "deny" },
    ],
  },
  network: { enabled: false },
});

describe.skipIf(!existsSync("/usr/bin/bwrap"))("deny-glob expansion", () => {
  it("does not block the event loop; past the entry cap the request gets a clear error", { timeout: 120_000 }, async () => {
    await withServer(async (s) => {
      // The sandbox probe runs once, asynchronously: let it finish first.
      expect((await s.request("command/exec", { command: ["true"], sandboxPolicy: { type: "readOnly" } })).result?.exitCode).toBe(0);
      const glob = s.start("command/exec", { command: ["true"], permissionProfile: profile("/usr/**/*.nomatch") });
      // Sent right behind it: answered while the scan still runs.
      const quick = s.start("command/exec/terminate", { processId: "nothing-here" });
      const first = await Promise.race([glob.reply.then(() => "glob"), quick.reply.then(() => "quick")]);
      expect(first).toBe("quick");
      expect((await quick.reply).error?.code).toBe(-32600);
      // Past the entry cap (a /usr of more than 100,000 entries) a refusal, else the command ran.
      const done = await glob.reply;
      if (done.error !== undefined) {
        expect(done.error.code).toBe(-32603);
        expect(done.error.message).toMatch(/deny-read glob \/usr\/\*\*\/\*\.nomatch (scans more than \d+ entries|takes longer than \d+ ms to scan)/);
      } else expect(done.result.exitCode).toBe(0);
    });
  });
});

describe("asynchronous deny-glob walk", () => {
  it("refuses past its entry cap and its time limit", async () => {
    const limits = { ...DEFAULT_GLOB_LIMITS, entryCap: 3 };
    const start = globStart("/usr/**/*.nomatch", limits, () => false)!;
    await expect(walkGlobAsync("/usr/**/*.nomatch", start, limits)).rejects.toThrow(/scans more than 3 entries/);
    const slow = { ...DEFAULT_GLOB_LIMITS, timeMs: -1 };
    await expect(walkGlobAsync("/usr/**/*.nomatch", start, slow)).rejects.toThrow(/takes longer than -1 ms/);
  });
});
