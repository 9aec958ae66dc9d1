// command/exec's error catalogue in upstream's order (first failure wins), and how each
// permission shape is run: directly, under the sandbox, or refused.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DANGER, exec, withServer } from "./helpers/server.ts";

// Each case also violates every later rule, so the expected error proves the order.
const ordered: Array<[string, Record<string, unknown>, number, string]> = [
  [
    "empty command",
    { command: [], sandboxPolicy: DANGER, permissionProfile: ":read-only", size: { rows: 0, cols: 0 }, outputBytesCap: 1, disableOutputCap: true, timeoutMs: -1, disableTimeout: true },
    -32600,
    "command must not be empty",
  ],
  [
    "profile with policy",
    { command: ["true"], sandboxPolicy: DANGER, permissionProfile: ":read-only", size: { rows: 0, cols: 0 }, outputBytesCap: 1, disableOutputCap: true },
    -32600,
    "`permissionProfile` cannot be combined with `sandboxPolicy`",
  ],
  [
    "size without tty",
    { command: ["true"], size: { rows: 0, cols: 0 }, outputBytesCap: 1, disableOutputCap: true, timeoutMs: 1, disableTimeout: true },
    -32602,
    "command/exec size requires tty: true",
  ],
  [
    "cap conflict",
    { command: ["true"], outputBytesCap: 1, disableOutputCap: true, timeoutMs: 1, disableTimeout: true },
    -32602,
    "command/exec cannot set both outputBytesCap and disableOutputCap",
  ],
  [
    "timeout conflict",
    { command: ["true"], timeoutMs: 1, disableTimeout: true, permissionProfile: ":bogus" },
    -32602,
    "command/exec cannot set both timeoutMs and disableTimeout",
  ],
  [
    "negative timeout",
    { command: ["true"], timeoutMs: -5, permissionProfile: ":bogus", tty: true, size: { rows: 0, cols: 1 } },
    -32602,
    "command/exec timeoutMs must be non-negative, got -5",
  ],
  [
    "unknown built-in profile",
    { command: ["true"], permissionProfile: ":bogus", tty: true, size: { rows: 0, cols: 1 } },
    -32600,
    "invalid permission profile: default_permissions refers to unknown built-in profile `:bogus`",
  ],
  [
    "user profile without config",
    { command: ["true"], permissionProfile: "mine", tty: true, size: { rows: 0, cols: 1 } },
    -32600,
    "invalid permission profile: default_permissions requires a `[permissions]` table",
  ],
  [
    "zero size",
    { command: ["true"], tty: true, size: { rows: 0, cols: 1 } },
    -32602,
    "command/exec size rows and cols must be greater than 0",
  ],
  [
    "sandbox cannot enforce the shape",
    { command: ["true"], permissionProfile: { type: "managed", network: { enabled: false }, fileSystem: { type: "restricted", entries: [{ path: { type: "glob_pattern", pattern: "/**" }, access: "deny" }] } }, tty: true },
    -32603,
    "SANDBOX_REFUSAL",
  ],
  [
    "streaming without id",
    { command: ["true"], sandboxPolicy: DANGER, streamStdoutStderr: true },
    -32600,
    "command/exec tty or streaming requires a client-supplied processId",
  ],
  ["stdin without id", { command: ["true"], sandboxPolicy: DANGER, streamStdin: true }, -32600, "command/exec tty or streaming requires a client-supplied processId"],
  ["tty without id", { command: ["true"], sandboxPolicy: DANGER, tty: true }, -32600, "command/exec tty or streaming requires a client-supplied processId"],
];

describe("command/exec validation order", () => {
  it.each(ordered)("%s", async (_name, params, code, message) => {
    await withServer(async (s) => {
      const error = (await s.request("command/exec", params)).error;
      if (message === "SANDBOX_REFUSAL") {
        expect(error?.code).toBe(code);
        expect(error?.message).toMatch(/^exec failed: /);
      } else {
        expect(error).toEqual({ code, message });
      }
    });
  });

  it("type errors are Invalid request, before any semantic check", async () => {
    await withServer(async (s) => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ command: [], outputBytesCap: 1.5 }, "Invalid request: invalid type: floating point `1.5`, expected usize"],
        [{ command: [], outputBytesCap: -1 }, "Invalid request: invalid value: integer `-1`, expected usize"],
        [{ command: [1] }, "Invalid request: invalid type: integer `1`, expected a string"],
        [{ command: ["true"], env: { A: 1 } }, "Invalid request: invalid type: integer `1`, expected a string"],
        [{ command: ["true"], timeoutMs: 1.5 }, "Invalid request: invalid type: floating point `1.5`, expected i64"],
        [{ command: ["true"], tty: "yes" }, 'Invalid request: invalid type: string "yes", expected a boolean'],
        [{ command: "true" }, 'Invalid request: invalid type: string "true", expected a sequence'],
        [{ command: ["true"], sandboxPolicy: { type: "bogus" } }, "Invalid request: unknown variant `bogus`, expected one of `dangerFullAccess`, `readOnly`, `externalSandbox`, `workspaceWrite`"],
        [
          { command: ["true"], sandboxPolicy: { type: "readOnly", access: { type: "restricted" } } },
          "Invalid request: readOnly.access is no longer supported; use permissionProfile for restricted reads",
        ],
      ];
      for (const [params, message] of cases) {
        expect((await s.request("command/exec", params)).error, JSON.stringify(params)).toEqual({ code: -32600, message });
      }
      expect((await s.request("command/exec/resize", { processId: "x", size: { rows: -1, cols: 1 } })).error).toEqual({
        code: -32600,
        message: "Invalid request: invalid value: integer `-1`, expected u16",
      });
    });
  });

  it("accepts 64-bit limits beyond 2^53 (i64::MAX timeout, u64::MAX cap)", async () => {
    await withServer(async (s) => {
      s.sendRaw(
        '{"id":"wide","method":"command/exec","params":{"command":["echo","wide"],"timeoutMs":9223372036854775807,"outputBytesCap":18446744073709551615,"sandboxPolicy":{"type":"dangerFullAccess"}}}',
      );
      expect((await s.response("wide")).result).toEqual({ exitCode: 0, stdout: "wide\n", stderr: "" });
    });
  });

  it("null means absent for every optional field", async () => {
    await withServer(async (s) => {
      const reply = await s.request(
        "command/exec",
        exec(["echo", "ok"], { processId: null, outputBytesCap: null, timeoutMs: null, cwd: null, env: null, size: null, permissionProfile: null }),
      );
      expect(reply.result).toEqual({ exitCode: 0, stdout: "ok\n", stderr: "" });
    });
  });

  it("local execution disabled (CODEX_EXEC_SERVER_URL=none) comes right after the gate", async () => {
    await withServer(
      async (s) => {
        expect((await s.request("command/exec", { command: [] })).error).toEqual({
          code: -32603,
          message: "local environment is not configured",
        });
      },
      { env: { CODEX_EXEC_SERVER_URL: "none" } },
    );
  });
});

describe("permission shapes", () => {
  const workspace = () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-sandbox-"));
    mkdirSync(join(dir, "sub"));
    return dir;
  };
  const write = (file: string) => ["sh", "-c", `echo x > '${file}'`];

  it("runs every sandboxed policy under the sandbox, which enforces it", async () => {
    const dir = workspace();
    try {
      await withServer(
        async (s) => {
          const sandboxed: Array<Record<string, unknown>> = [
            {},
            { sandboxPolicy: null },
            { sandboxPolicy: { type: "readOnly" } },
            { sandboxPolicy: { type: "readOnly", access: { type: "fullAccess" } } },
            { sandboxPolicy: { type: "workspaceWrite" } },
            { permissionProfile: ":read-only" },
            { permissionProfile: ":workspace" },
          ];
          for (const extra of sandboxed) {
            const reply = await s.request("command/exec", { command: ["echo", "ran"], ...extra });
            expect(reply.result, JSON.stringify(extra)).toEqual({ exitCode: 0, stdout: "ran\n", stderr: "" });
          }
          // read-only: the workspace is not writable; workspace-write: it is, but .git is not.
          const readOnly = await s.request("command/exec", { command: write(join(dir, "ro.txt")) });
          expect((readOnly.result as { exitCode: number }).exitCode).not.toBe(0);
          expect(existsSync(join(dir, "ro.txt"))).toBe(false);
          const ww = await s.request("command/exec", { command: write(join(dir, "ww.txt")), sandboxPolicy: { type: "workspaceWrite" } });
          expect(ww.result).toMatchObject({ exitCode: 0 });
          expect(existsSync(join(dir, "ww.txt"))).toBe(true);
          mkdirSync(join(dir, ".git"));
          const git = await s.request("command/exec", { command: write(join(dir, ".git", "config")), sandboxPolicy: { type: "workspaceWrite" } });
          expect((git.result as { exitCode: number }).exitCode).not.toBe(0);
          expect(existsSync(join(dir, ".git", "config"))).toBe(false);
          // With permissionProfile the command's cwd is the project root.
          const sub = await s.request("command/exec", { command: write("in-sub.txt"), cwd: "sub", permissionProfile: ":workspace" });
          expect(sub.result).toMatchObject({ exitCode: 0 });
          expect(existsSync(join(dir, "sub", "in-sub.txt"))).toBe(true);
        },
        { cwd: dir },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing program under the sandbox as a spawn failure", async () => {
    await withServer(async (s) => {
      const reply = await s.request("command/exec", { command: ["definitely-not-a-program-xyz"] });
      expect(reply.error).toEqual({ code: -32603, message: "failed to spawn command: No such file or directory (os error 2)" });
    });
  });

  it("runs directly what asks for no sandbox", async () => {
    await withServer(async (s) => {
      const direct: Array<Record<string, unknown>> = [
        { sandboxPolicy: { type: "dangerFullAccess" } },
        { sandboxPolicy: { type: "externalSandbox" } },
        { sandboxPolicy: { type: "externalSandbox", networkAccess: "enabled" } },
        { permissionProfile: ":danger-full-access" },
        { permissionProfile: { type: "disabled" } },
        { permissionProfile: { type: "external", network: { enabled: true } } },
      ];
      for (const extra of direct) {
        const reply = await s.request("command/exec", { command: ["echo", "ran"], ...extra });
        expect(reply.result, JSON.stringify(extra)).toEqual({ exitCode: 0, stdout: "ran\n", stderr: "" });
      }
    });
  });
});

describe("other methods", () => {
  it("process/* is gated behind experimentalApi (the API itself: process-*.test.ts)", async () => {
    await withServer(
      async (s) => {
        const reply = await s.request("process/spawn", { command: ["true"], processHandle: "h", cwd: "/tmp" });
        expect(reply.error).toEqual({ code: -32600, message: "process/spawn requires experimentalApi capability" });
      },
      { capabilities: {} },
    );
  });
});

