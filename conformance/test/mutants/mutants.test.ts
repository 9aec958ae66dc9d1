// Testing the tests: fixtures run through the kit's mutating proxy (mutants/proxy.ts), which
// breaks a real server in one way each; the corpus must notice every mutant. The real server is the built reference
// server (or APP_SERVER_CONFORMANCE_MUTANT_TARGET, a command line, e.g. the Codex oracle).
// It is started as a program; the kit never imports it. A case whose fixture does not pass
// unmutated is skipped (the mutant proves nothing then).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { describe, expect, it } from "vitest";
import { parseFixture } from "../../src/fixture/load.ts";
import { MUTATION_VAR, TARGET_VAR } from "../../src/mutants/catalogue.ts";
import { kitProgramArgv, packageRoot } from "../../src/probe/probe-path.ts";
import { runFixture } from "../../src/runner/run-fixture.ts";
import { splitCommandLine } from "../../src/transports/server-process.ts";
import { PROBE, probeBuilt } from "../support/helpers.ts";

const REFERENCE = join(packageRoot(), "dist", "reference-server", "src", "main.cjs");
const override = process.env.APP_SERVER_CONFORMANCE_MUTANT_TARGET;
const target = override ? splitCommandLine(override) : existsSync(REFERENCE) ? [process.execPath, REFERENCE] : undefined;

function load(id: string) {
  const area = id.split(".")[0]!;
  const file = join(packageRoot(), "fixtures", area, `${id}.jsonc`);
  const r = parseFixture(readFileSync(file, "utf8"), file);
  if (!r.ok) throw new Error(r.message);
  return r.fixture;
}

async function run(id: string, mutation: string, timeoutMultiplier = 1) {
  return runFixture(load(id), {
    server: { argv: kitProgramArgv("mutants/proxy"), env: { [TARGET_VAR]: JSON.stringify(target), [MUTATION_VAR]: mutation, ...(override ? { CODEX_HOME: process.env.CODEX_HOME ?? "" } : {}) } },
    probe: PROBE,
    timeoutMultiplier,
  });
}

const CASES: [mutation: string, fixture: string, expected: RegExp][] = [
  ["drop-cap-reached", "exec.stream.cap-reached", /capReached/],
  ["drop-exit-cap-flags", "process.cap.buffered", /stdoutCapReached/],
  ["late-deltas", "exec.stream.pipe-basic", /after the response|expected "streamed-out"/],
  ["string-ids", "exec.buffered.stdout-stderr", /ids must keep their JSON type|unknown request id/],
  ["add-jsonrpc", "exec.buffered.stdout-stderr", /jsonrpc/],
  ["error-code-32600", "errors.exec-size-requires-tty", /expected -32602, got -32600/],
  ["drop-exited", "process.spawn.buffered", /process\/exited/],
  ["timeout-exit-1", "exec.timeout.exit-124", /expected 124, got 1/],
  ["timeout-exit-1", "process.timeout.value", /exitCode: expected 124/],
  ["extra-response", "handshake.initialize-result", /second response/],
  ["truncate-stdout", "exec.buffered.exit-code", /stdout/],
  ["timeout-doubled", "exec.timeout.not-later", /exitCode: expected 124, got 0/],
  ["timeout-doubled", "process.timeout.not-later", /exitCode: expected 124/],
  ["pty-bare-lf", "exec.tty.crlf", /a\\r\\nb/],
  ["pty-bare-lf", "process.tty.crlf", /a\\r\\nb/],
  ["drain-flag-false", "process.drain.timed-out-flag", /outputDrainTimedOut/],
  ["network-on", "sandbox.network.read-only.blocked", /\$\.stdout: .*got "connect:ok/],
  ["network-on", "sandbox.network.workspace-write.blocked", /\$\.stdout: .*got "connect:ok/],
  ["no-default-timeout", "exec.timeout.default-applies", /response|124/],
  ["no-default-timeout", "process.timeout.absent-default-applies", /process\/exited|124/],
  ["list-ignores-limit", "permissions.list.pages", /data/],
  ["list-ignores-limit", "permissions.list", /data/],
];

describe.skipIf(!target || !probeBuilt)("mutants are caught", () => {
  for (const [mutation, id, expected] of CASES) {
    it(`${mutation} fails ${id}`, async (ctx) => {
      const clean = await run(id, "none");
      if (clean.status !== "pass") ctx.skip();
      const mutant = await run(id, mutation, 0.5);
      expect(mutant.status).toBe("fail");
      expect(mutant.failures.map((f) => f.message).join("\n")).toMatch(expected);
    });
  }
});
