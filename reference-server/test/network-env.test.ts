// What a child learns from its environment about the network and where commands run,
// matched against Codex 0.169.0 / 0.171.0 (docs/reference-server.md).
import { describe, expect, it } from "vitest";
import { localExecutionDisabledBy } from "../src/config.ts";
import { DANGER, exec, withServer } from "./helpers/server.ts";

const show = ["sh", "-c", 'echo "disabled=${CODEX_SANDBOX_NETWORK_DISABLED-unset} proxy=${CODEX_NETWORK_PROXY_ACTIVE-unset}"'];

describe("CODEX_EXEC_SERVER_URL", () => {
  it("any non-blank value disables local execution, blank values do not", () => {
    for (const v of ["none", "NONE", " none ", "foo", "ws://127.0.0.1:9"]) expect(localExecutionDisabledBy(v), v).toBe(true);
    for (const v of [undefined, "", " ", "\t"]) expect(localExecutionDisabledBy(v), String(v)).toBe(false);
  });
  it("a value other than `none` answers the local-environment error too", async () => {
    await withServer(
      async (s) => {
        expect((await s.request("command/exec", exec(["true"]))).error).toEqual({ code: -32603, message: "local environment is not configured" });
      },
      { env: { CODEX_EXEC_SERVER_URL: "NONE" } },
    );
  });
});

describe("CODEX_SANDBOX_NETWORK_DISABLED", () => {
  it("is forced to 1 when the network is restricted and left alone when it is on", async () => {
    await withServer(
      async (s) => {
        const run = async (extra: Record<string, unknown>) => ((await s.request("command/exec", exec(show, extra))).result as { stdout: string }).stdout;
        expect(await run({ sandboxPolicy: undefined })).toBe("disabled=1 proxy=1\n");
        expect(await run({ sandboxPolicy: { type: "readOnly" }, env: { CODEX_SANDBOX_NETWORK_DISABLED: "0" } })).toBe("disabled=1 proxy=1\n");
        expect(await run({ sandboxPolicy: { type: "workspaceWrite" }, env: { CODEX_SANDBOX_NETWORK_DISABLED: null } })).toBe("disabled=1 proxy=1\n");
        expect(await run({ sandboxPolicy: { type: "externalSandbox" } })).toBe("disabled=1 proxy=1\n");
        expect(await run({ sandboxPolicy: { type: "readOnly", networkAccess: true } })).toBe("disabled=unset proxy=1\n");
        expect(await run({ sandboxPolicy: { type: "externalSandbox", networkAccess: "enabled" } })).toBe("disabled=unset proxy=1\n");
        expect(await run({ sandboxPolicy: DANGER, env: { CODEX_SANDBOX_NETWORK_DISABLED: "7", CODEX_NETWORK_PROXY_ACTIVE: null } })).toBe("disabled=7 proxy=unset\n");
      },
      { env: { CODEX_NETWORK_PROXY_ACTIVE: "1" } },
    );
  });
});
