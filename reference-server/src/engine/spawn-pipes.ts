// Pipe mode: child_process.spawn, detached (own session and process group).
import { childProcess } from "../util/lazy-builtins.ts";
import { killGroup } from "./process-group.ts";
import { SpawnError, type ExitInfo, type LaunchedChild, type LaunchSpec, type StdinPort } from "./types.ts";
import { spawnFailure } from "./errno.ts";

export function launchPipes(spec: LaunchSpec, streamStdin: boolean): Promise<LaunchedChild> {
  const [program, ...args] = spec.argv;
  if (!program) return Promise.reject(new SpawnError("missing program for pipe spawn", undefined));
  return new Promise((resolvePromise, reject) => {
    let child;
    try {
      child = childProcess().spawn(program, args, {
        cwd: spec.cwd,
        env: spec.env,
        detached: true,
        stdio: [streamStdin ? "pipe" : "ignore", "pipe", "pipe"],
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnFailure(error));
      return;
    }
    const exited = new Promise<ExitInfo>((res) => {
      child.once("exit", (code, signal) => res({ code, signal }));
    });
    child.once("error", (error) => {
      if (child.pid === undefined) reject(spawnFailure(error));
    });
    const pid = child.pid;
    if (pid === undefined) return; // the 'error' event rejects
    const stdin = child.stdin;
    stdin?.on("error", () => {
      // EPIPE after the child exited: the writes are simply lost.
    });
    const port: StdinPort | undefined = stdin
      ? {
          write: (bytes) =>
            new Promise<void>((res) => {
              if (stdin.destroyed || stdin.writableEnded) return res();
              stdin.write(bytes, () => res());
            }),
          close: () => {
            if (!stdin.writableEnded) stdin.end();
          },
        }
      : undefined;
    resolvePromise({
      pid,
      tty: false,
      outputs: [
        ["stdout", child.stdout!],
        ["stderr", child.stderr!],
      ],
      stdin: port,
      exited,
      resize() {
        throw new Error("process is not attached to a PTY");
      },
      killGroup: () => killGroup(pid),
    });
  });
}
