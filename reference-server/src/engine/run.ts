// Runs one child to completion: spawn, pumps, timeout, post-exit drain deadline, group
// kill. Reusable by any API that maps its params onto LaunchSpec + RunLimits.
import { launch } from "./spawn.ts";
import { OutputPump } from "./output-pump.ts";
import { exitStatus, killTree } from "./process-group.ts";
import { forgetChild, watchChild } from "./reaper.ts";
import { log } from "../log.ts";
import type { LaunchSpec, OutputSink, RunLimits, RunOutcome, RunningProcess } from "./types.ts";

export const TIMEOUT_EXIT_CODE = 124;
const MAX_TIMER_MS = 2_147_483_647;

/** Spawns the child; rejects with SpawnError when it cannot start. */
export async function startProcess(spec: LaunchSpec, limits: RunLimits, sink: OutputSink): Promise<RunningProcess> {
  const child = await launch(spec);
  watchChild(child.pid);
  const pumps = child.outputs.map(
    ([name, source]) => new OutputPump(source, name, { cap: limits.outputBytesCap, stream: limits.stream, sink }),
  );
  let timedOut = false;
  let running = true;
  let stdinOpen = child.stdin !== undefined;
  // setTimeout cannot wait longer than 2^31-1 ms (~24.8 days); treat longer as none.
  const timer =
    limits.timeoutMs === null || limits.timeoutMs > MAX_TIMER_MS
      ? undefined
      : setTimeout(() => {
          if (!running) return;
          timedOut = true;
          killTree(child.pid);
        }, limits.timeoutMs);

  const outcome = (async (): Promise<RunOutcome> => {
    const exit = await child.exited;
    running = false;
    clearTimeout(timer);
    let drainTimedOut = false;
    const drained = Promise.all(pumps.map((p) => p.done));
    let deadline: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      drained,
      new Promise<void>((resolve) => {
        deadline = setTimeout(() => {
          drainTimedOut = true;
          resolve();
        }, limits.drainTimeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    if (drainTimedOut) {
      log("info", `pid ${child.pid}: output still open ${limits.drainTimeoutMs} ms after exit; answering without it`);
      for (const p of pumps) p.stop();
      await drained;
    }
    // Anything the child left behind in its group goes too.
    child.killGroup();
    forgetChild(child.pid);
    const pump = (name: string) => pumps.find((p) => p.name === name);
    return {
      exitCode: timedOut ? TIMEOUT_EXIT_CODE : exitStatus(exit.code, exit.signal),
      timedOut,
      stdout: pump("stdout")?.chunks ?? [],
      stderr: pump("stderr")?.chunks ?? [],
      stdoutCapReached: pump("stdout")?.capReached ?? false,
      stderrCapReached: pump("stderr")?.capReached ?? false,
      outputDrainTimedOut: drainTimedOut,
    };
  })();

  return {
    pid: child.pid,
    tty: child.tty,
    get running() {
      return running;
    },
    get stdinOpen() {
      return stdinOpen;
    },
    writeStdin: (bytes) => (child.stdin ? child.stdin.write(bytes) : Promise.resolve()),
    closeStdin() {
      stdinOpen = false;
      child.stdin?.close();
    },
    resize: (rows, cols) => child.resize(rows, cols),
    terminate: () => (running ? killTree(child.pid) : child.killGroup()),
    outcome,
  };
}
