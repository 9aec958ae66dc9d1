// node-pty is optional: a server that cannot load it still serves every pipe request and
// answers tty requests with a clear -32600 error. The module's absence is simulated the way
// a failed install looks to Node: a preload (--require through NODE_OPTIONS, test-only)
// makes resolving "node-pty" throw MODULE_NOT_FOUND. (The bundled server loads it with
// require: rolldown.config.mjs.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exec, withServer } from "./helpers/server.ts";

const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined || process.env.REF_SERVER_RUNTIME === "deno";

const dir = mkdtempSync(join(tmpdir(), "no-pty-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const preload = join(dir, "no-pty.cjs");
writeFileSync(
  preload,
  `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "node-pty") {
    const error = new Error("Cannot find module 'node-pty'");
    error.code = "MODULE_NOT_FOUND";
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
`,
);
const env = { NODE_OPTIONS: `--require ${preload}` };

const TTY_UNAVAILABLE = /^tty is not supported by this server: the optional dependency node-pty could not be loaded \(Cannot find module 'node-pty'/;

describe.skipIf(isDeno)("without node-pty", () => {
  it("command/exec with tty fails with -32600 and the id is free again; pipes still work", async () => {
    await withServer(
      async (s) => {
        const tty = await s.request("command/exec", exec(["echo", "hi"], { processId: "t", tty: true }));
        expect(tty.error?.code).toBe(-32600);
        expect(tty.error?.message).toMatch(TTY_UNAVAILABLE);
        const pipes = await s.request("command/exec", exec(["echo", "hi"], { processId: "t", streamStdin: true }));
        expect(pipes.result).toEqual({ exitCode: 0, stdout: "hi\n", stderr: "" });
      },
      { env },
    );
  });

  it("process/spawn with tty fails with -32600 and sends no process/exited", async () => {
    await withServer(
      async (s) => {
        const tty = await s.request("process/spawn", { command: ["echo", "hi"], processHandle: "p", cwd: dir, tty: true });
        expect(tty.error?.code).toBe(-32600);
        expect(tty.error?.message).toMatch(TTY_UNAVAILABLE);
        const plain = await s.request("process/spawn", { command: ["echo", "hi"], processHandle: "p", cwd: dir });
        expect(plain.result).toEqual({});
        const exited = await s.waitFor((m) => m.method === "process/exited");
        expect(exited.params).toMatchObject({ processHandle: "p", exitCode: 0, stdout: "hi\n" });
        expect(s.messages.filter((m) => m.method === "process/exited")).toHaveLength(1);
      },
      { env },
    );
  });
});
