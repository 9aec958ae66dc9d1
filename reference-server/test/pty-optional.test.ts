// node-pty is optional: a server that cannot load it still serves every pipe request and
// answers tty requests with a clear -32600 error. The module's absence is simulated the way
// a failed install looks to Node: a resolve hook (registered with --import through
// NODE_OPTIONS, test-only) makes `import("node-pty")` throw ERR_MODULE_NOT_FOUND.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { exec, withServer } from "./helpers/server.ts";

const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined || process.env.REF_SERVER_RUNTIME === "deno";

const dir = mkdtempSync(join(tmpdir(), "no-pty-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hooks = join(dir, "hooks.mjs");
writeFileSync(
  hooks,
  `export async function resolve(specifier, context, next) {
  if (specifier === "node-pty") {
    const error = new Error("Cannot find package 'node-pty' imported from " + context.parentURL);
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}
`,
);
const register = join(dir, "register.mjs");
writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
const env = { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` };

const TTY_UNAVAILABLE = /^tty is not supported by this server: the optional dependency node-pty could not be loaded \(Cannot find package 'node-pty'/;

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
