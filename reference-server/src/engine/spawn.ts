// Starts a child in its own session / process group, with pipes or under a PTY, and
// exposes a uniform surface: output readables, a stdin port, exit, resize.
import { spawn as spawnChild } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { killGroup } from "./process-group.ts";
import { SpawnError, type LaunchSpec, type OutputStreamName } from "./types.ts";
import { describeOsError } from "./errno.ts";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | number | null;
}

export interface StdinPort {
  write(bytes: Buffer): Promise<void>;
  close(): void;
}

export interface LaunchedChild {
  readonly pid: number;
  readonly tty: boolean;
  readonly outputs: ReadonlyArray<readonly [OutputStreamName, Readable]>;
  /** `undefined` when stdin is not streamed (connected to /dev/null). */
  readonly stdin: StdinPort | undefined;
  readonly exited: Promise<ExitInfo>;
  resize(rows: number, cols: number): void;
  killGroup(): void;
}

function spawnFailure(error: unknown): SpawnError {
  const code = (error as { code?: unknown }).code;
  return new SpawnError(describeOsError(error), typeof code === "string" ? code : undefined);
}

export async function launch(spec: LaunchSpec): Promise<LaunchedChild> {
  return spec.io.kind === "pty" ? launchPty(spec, spec.io.rows, spec.io.cols) : launchPipes(spec, spec.io.stdin);
}

function launchPipes(spec: LaunchSpec, streamStdin: boolean): Promise<LaunchedChild> {
  const [program, ...args] = spec.argv;
  if (program === undefined) return Promise.reject(new SpawnError("empty argv", undefined));
  return new Promise((resolvePromise, reject) => {
    let child;
    try {
      child = spawnChild(program, args, {
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

/** execvp's lookup, done up front because a PTY child reports failures only as an exit. */
function checkProgram(program: string, cwd: string, env: Record<string, string>): void {
  const fail = (code: string) => {
    throw new SpawnError(describeOsError({ code }), code);
  };
  try {
    if (!statSync(cwd).isDirectory()) fail("ENOTDIR");
  } catch (error) {
    if (error instanceof SpawnError) throw error;
    throw spawnFailure(error);
  }
  const executable = (path: string): string | undefined => {
    try {
      const st = statSync(path);
      if (st.isDirectory()) return "EACCES";
      accessSync(path, fsConstants.X_OK);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? "ENOENT";
    }
  };
  if (program.includes("/")) {
    const code = executable(isAbsolute(program) ? program : resolve(cwd, program));
    if (code !== undefined) fail(code);
    return;
  }
  let sawAccess = false;
  for (const dir of (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter)) {
    const code = executable(join(resolve(cwd, dir || "."), program));
    if (code === undefined) return;
    if (code === "EACCES") sawAccess = true;
  }
  fail(sawAccess ? "EACCES" : "ENOENT");
}

type PtyModule = typeof import("node-pty");
let ptyModule: Promise<PtyModule> | undefined;

async function loadPty(): Promise<PtyModule> {
  ptyModule ??= import("node-pty").then((m) => ((m as { default?: PtyModule }).default ?? m) as PtyModule);
  return ptyModule;
}

async function launchPty(spec: LaunchSpec, rows: number, cols: number): Promise<LaunchedChild> {
  const [program, ...args] = spec.argv;
  if (program === undefined) throw new SpawnError("empty argv", undefined);
  checkProgram(program, spec.cwd, spec.env);
  const pty = await loadPty();
  let term: import("node-pty").IPty;
  try {
    term = pty.spawn(program, args, {
      cwd: spec.cwd,
      env: spec.env,
      rows,
      cols,
      name: spec.env.TERM ?? "xterm",
      encoding: null,
    } as import("node-pty").IPtyForkOptions);
  } catch (error) {
    throw spawnFailure(error);
  }
  const pid = term.pid;
  const output = new Readable({
    read() {
      term.resume();
    },
  });
  term.onData((data: string | Buffer) => {
    const chunk = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (!output.push(chunk)) term.pause();
  });
  let open = true;
  const exited = new Promise<ExitInfo>((res) => {
    term.onExit(({ exitCode, signal }) => {
      open = false;
      output.push(null);
      res({ code: exitCode, signal: signal ?? null });
    });
  });
  return {
    pid,
    tty: true,
    outputs: [["stdout", output]],
    stdin: {
      write: async (bytes) => {
        if (open) term.write(bytes);
      },
      // A terminal has no separate stdin to close; send the EOF character instead.
      close: () => {
        if (open) term.write("\x04");
      },
    },
    exited,
    resize(r, c) {
      if (!open) throw new Error("process is no longer running");
      term.resize(c, r);
    },
    killGroup: () => killGroup(pid),
  };
}
