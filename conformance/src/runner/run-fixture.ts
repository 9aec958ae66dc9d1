// Runs one fixture against a fresh server process (or a connection to a running server)
// and judges the transcript: a fresh workspace and pid folder, the server, the handshake,
// the steps (steps/), then teardown, leftover probes and cleanup, each phase timed.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import process from "node:process";
import { DEFAULT_FIXTURE_MS, handshakeOf, stepName, type Fixture } from "../fixture/format.ts";
import { expandString, type Vars } from "../fixture/vars.ts";
import { killRecorded, PID_DIR_VAR } from "../probe/leftovers.ts";
import type { ExitInfo } from "../transports/server-process.ts";
import { openServer } from "../transports/index.ts";
import { initialize } from "./handshake.ts";
import { scrubbedEnv } from "./server-env.ts";
import { Session } from "./session.ts";
import { writeSetupFiles } from "./setup-files.ts";
import { StepFailure } from "./step-failure.ts";
import { runStep } from "./steps/index.ts";
import type { FixtureResult, RunOptions } from "./types.ts";

export type { Failure, FixtureResult, FixtureStatus, RunOptions, ServerInfo, ServerSpec } from "./types.ts";

export async function runFixture(fixture: Fixture, opts: RunOptions): Promise<FixtureResult> {
  const started = Date.now();
  const setupStarted = performance.now();
  const scratch = opts.scratchDir ?? tmpdir();
  const workspace = realpathSync(mkdtempSync(join(scratch, "asc-ws-")));
  const pidDir = realpathSync(mkdtempSync(join(scratch, "asc-pids-")));
  const vars: Vars = { workspace, probe: opts.probe, extra: { pathSep: sep, node: process.execPath }, env: process.env };
  const mult = opts.timeoutMultiplier;
  const s = new Session(fixture, vars, mult, pidDir);
  const clock = s.clock;
  let stepsRun = 0;
  let harnessError: string | undefined;
  let serverInfo: FixtureResult["serverInfo"];
  let serverExit: ExitInfo | undefined;
  const fixtureMs = Math.round((fixture.timeoutMs ?? DEFAULT_FIXTURE_MS) * mult);
  try {
    if (fixture.setup?.files) writeSetupFiles(workspace, fixture.setup.files);
    const env = scrubbedEnv({
      ...opts.server.env,
      ...Object.fromEntries(Object.entries(fixture.setup?.env ?? {}).map(([k, v]) => [k, expandString(v, vars)])),
      [PID_DIR_VAR]: pidDir,
    });
    const launch = opts.server.launch;
    clock.add("setup", performance.now() - setupStarted);
    const spawnStarted = performance.now();
    s.server = openServer({
      argv: opts.server.argv,
      cwd: workspace,
      env,
      onLine: (line, t) => s.onLine(line, t),
      onExit: (info) => s.onExit(info),
      ...(launch !== undefined ? { launch: { ...launch, startTimeoutMs: launch.startTimeoutMs ?? Math.round(10_000 * mult) } } : {}),
      ...(opts.server.connect !== undefined ? { connect: opts.server.connect } : {}),
    });
    clock.add("spawn", performance.now() - spawnStarted);
    const body = async () => {
      const mode = handshakeOf(fixture);
      const handshakeStarted = performance.now();
      if (mode !== "none") {
        try {
          serverInfo = await initialize(s, mode);
        } catch (e) {
          if (e instanceof StepFailure) {
            clock.add("handshake", performance.now() - handshakeStarted);
            s.failures.push({ step: "handshake", message: e.message });
            return;
          }
          throw e;
        }
        s.sendMessage({ method: "initialized" });
        clock.add("handshake", performance.now() - handshakeStarted);
      }
      const stepsStarted = performance.now();
      // Counted on every way out of the loop, failures included.
      const stepsDone = () => clock.add("steps", performance.now() - stepsStarted);
      for (const [i, step] of fixture.steps.entries()) {
        stepsRun = i + 1;
        try {
          await runStep(s, step);
        } catch (e) {
          stepsDone();
          if (!(e instanceof StepFailure)) throw e;
          s.failures.push({ step: stepName(step, i), message: `${step.step}: ${e.message}` });
          return;
        }
      }
      stepsDone();
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), fixtureMs);
    });
    const outcome = await Promise.race([body().then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") s.failures.push({ step: "timeout", message: `the fixture did not finish within ${fixtureMs} ms` });
  } catch (e) {
    harnessError = (e as Error).stack ?? String(e);
  } finally {
    serverExit = s.exitInfo;
    if (s.server) {
      const server = s.server;
      await clock.time("teardown", () => server.stop(Math.round(1500 * mult)));
      if (s.server.spawnError) harnessError ??= `could not start the server: ${s.server.spawnError.message}`;
    }
    const killed = await clock.time("leftoverScan", async () => killRecorded(pidDir));
    if (killed.length) s.server?.note(`killed leftover probe processes ${killed.join(", ")}`);
    await clock.time("cleanup", async () => {
      if (!opts.keepWorkspace) {
        rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
      }
      rmSync(pidDir, { recursive: true, force: true, maxRetries: 3 });
    });
  }
  // A copy: a step still waiting after a fixture timeout may record more failures later.
  const failures = harnessError ? [{ step: "harness", message: harnessError }, ...s.failures] : [...s.failures];
  return {
    id: fixture.id,
    status: harnessError ? "error" : failures.length ? "fail" : "pass",
    failures,
    durationMs: Date.now() - started,
    stepsRun,
    transcript: [...(s.server?.transcript ?? [])],
    ...(serverInfo ? { serverInfo } : {}),
    ...(serverExit ? { serverExit } : {}),
    timings: clock.timings(),
    workspace,
    pidDir,
  };
}
