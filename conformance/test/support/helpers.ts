// Helpers for the kit's own tests: run an inline fixture against the scriptable fake server.
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Fixture, type FixtureInput } from "../../src/fixture/format.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { runFixture, type FixtureResult } from "../../src/runner/run-fixture.ts";

export const FAKE_SERVER = fileURLToPath(new URL("./fake-server.mjs", import.meta.url));
export const BUILT_PROBE = join(packageRoot(), "dist", "conformance", "src", "probe", "probe.js");
export const probeBuilt = existsSync(BUILT_PROBE);
export const PROBE = [process.execPath, BUILT_PROBE];

export interface FakeScript {
  initialize?: "ok" | "error" | "ignore";
  rules?: { method: string; reply: unknown[] }[];
  startup?: unknown[];
  ignoreEof?: boolean;
  eofExitCode?: number;
  leak?: string[];
}

export function fixture(steps: FixtureInput["steps"], extra: Partial<FixtureInput> = {}): Fixture {
  return Fixture.parse({ id: "test.fixture", title: "test", spec: "test", steps, ...extra });
}

export async function runFake(f: Fixture, script: FakeScript, timeoutMultiplier = 1): Promise<FixtureResult> {
  return runFixture(f, {
    server: { argv: [process.execPath, FAKE_SERVER], env: { FAKE_SERVER_SCRIPT: JSON.stringify(script) } },
    probe: PROBE,
    timeoutMultiplier,
  });
}

export function firstFailure(r: FixtureResult): string {
  const f = r.failures[0];
  return f ? `[${f.step}] ${f.message}` : "";
}

/** A JSON-RPC success reply template for the fake server. */
export const reply = (result: unknown) => ({ id: "$ID", result });
export const replyError = (code: number, message: string) => ({ id: "$ID", error: { code, message } });
export const note = (method: string, params: unknown) => ({ method, params });
export const delta = (processId: string, stream: "stdout" | "stderr", text: string, capReached = false) =>
  note("command/exec/outputDelta", { processId, stream, deltaBase64: Buffer.from(text).toString("base64"), capReached });
export const pdelta = (processHandle: string, stream: "stdout" | "stderr", text: string, capReached = false) =>
  note("process/outputDelta", { processHandle, stream, deltaBase64: Buffer.from(text).toString("base64"), capReached });
export const execOk = (stdout = "", stderr = "", exitCode = 0) => reply({ exitCode, stdout, stderr });
