// `--config`: user profiles, configured deny-read entries that no override can drop, exec
// defaults, and an invalid file stopping the server with the file, line and key.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess, withServer } from "./helpers/server.ts";

let dir: string;
let config: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ref-config-"));
  writeFileSync(join(dir, ".env"), "SECRET=1\n");
  writeFileSync(join(dir, "notes.txt"), "public\n");
  config = join(dir, "server.jsonc");
  writeFileSync(
    config,
    `{
  // secrets stay hidden whatever a command asks for
  "permissions": {
    "default": "dev",
    "profiles": {
      "dev": {
        "description": "workspace write, secrets hidden",
        "filesystem": { ":root": "read", ":project_roots": "write", "**/*.env": "deny" },
        "globScanMaxDepth": 3,
      },
    },
  },
  "exec": { "timeoutMs": 400 },
}
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("--config", () => {
  it("keeps configured deny-read entries under every override", async () => {
    await withServer(
      async (s) => {
        const overrides: Array<Record<string, unknown>> = [
          {},
          { sandboxPolicy: { type: "dangerFullAccess" } },
          { sandboxPolicy: { type: "readOnly" } },
          { sandboxPolicy: { type: "workspaceWrite" } },
          { permissionProfile: ":danger-full-access" },
          { permissionProfile: ":workspace" },
          { permissionProfile: { type: "managed", network: { enabled: true }, fileSystem: { type: "unrestricted" } } },
        ];
        for (const extra of overrides) {
          const secret = await s.request("command/exec", { command: ["cat", ".env"], ...extra });
          // It runs (sandboxed), and the denied file stays unreadable.
          expect(secret.error, JSON.stringify(extra)).toBeUndefined();
          const result = secret.result as { exitCode: number; stdout: string };
          expect(result.stdout, JSON.stringify(extra)).not.toContain("SECRET");
          expect(result.exitCode, JSON.stringify(extra)).not.toBe(0);
          const open = await s.request("command/exec", { command: ["cat", "notes.txt"], ...extra });
          expect(open.result, JSON.stringify(extra)).toMatchObject({ exitCode: 0, stdout: "public\n" });
        }
      },
      { cwd: dir, args: ["--config", config] },
    );
  });

  it("lists user profiles after the built-ins and applies exec defaults", async () => {
    await withServer(
      async (s) => {
        const list = await s.request("permissionProfile/list", {});
        expect(list.result).toEqual({
          data: [
            { id: ":read-only", description: null, allowed: true },
            { id: ":workspace", description: null, allowed: true },
            { id: ":danger-full-access", description: null, allowed: true },
            { id: "dev", description: "workspace write, secrets hidden", allowed: true },
          ],
          nextCursor: null,
        });
        const slow = await s.request("command/exec", { command: ["sleep", "5"], sandboxPolicy: { type: "dangerFullAccess" } });
        expect(slow.result).toMatchObject({ exitCode: 124 });
        const dev = await s.request("command/exec", { command: ["sh", "-c", "echo w > written.txt && cat written.txt"], permissionProfile: "dev" });
        expect(dev.result).toMatchObject({ exitCode: 0, stdout: "w\n" });
      },
      { cwd: dir, args: ["--config", config] },
    );
  });

  it("refuses to start on an invalid file, naming the file, line and key", async () => {
    const bad = join(dir, "bad.jsonc");
    writeFileSync(bad, '{\n  "permissions": {\n    "defualt": "dev"\n  }\n}\n');
    const server = new ServerProcess({ cwd: dir, args: ["--config", bad] });
    const { code } = await server.exited;
    expect(code).toBe(2);
    expect(server.stderr).toMatch(/bad\.jsonc:3:\d+ \(permissions\.defualt\): unknown key/);
  });
});
