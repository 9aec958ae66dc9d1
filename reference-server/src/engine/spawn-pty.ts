// PTY mode via node-pty (the child is a session leader on a new terminal).
import { readSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { Readable } from "node:stream";
import { killGroup } from "./process-group.ts";
import { SpawnError, type ExitInfo, type LaunchedChild, type LaunchSpec } from "./types.ts";
import { spawnFailure } from "./errno.ts";
import { checkProgram } from "./program-lookup.ts";
import { denoPtyWrite, isDeno } from "./pty-write-deno.ts";
import { loadPty } from "./pty-loader.ts";

/** Like Codex's PTY backend: a cwd that is not a directory falls back to the home directory. */
function ptyCwd(cwd: string, env: Record<string, string>): string {
  try {
    if (statSync(cwd).isDirectory()) return cwd;
  } catch {
    // missing: fall through
  }
  return env.HOME || homedir();
}

/**
 * A child that closes all its terminal fds before exiting (`cat` closes stdin, stdout and
 * stderr itself) lets node-pty see EIO and close the master while the child still runs;
 * the kernel then hangs the child up and it dies of SIGHUP (about 1 run in 3 for
 * `cat`). This trampoline keeps a duplicate of the terminal on fd 9 and `exec`s the
 * command (same pid), so the terminal stays open until the child has really exited.
 * fd 9, not 3: the Linux sandbox's own trampoline passes its seccomp filter on fds 3-4.
 */
const HOLD_TERMINAL = ["/bin/sh", "-c", 'exec 9>&1; exec "$0" "$@"'] as const;

/** How long unread terminal output may still be read after the child exited (upstream's IO drain). */
const PTY_DRAIN_GRACE_MS = 2_000;

/**
 * node-pty destroys the terminal socket 200 ms after the child exited if it has not
 * closed by itself; output a busy server has not read by then is lost. Let the socket
 * close on its own (EIO once the output is read) and only force it after a longer grace.
 */
function keepReadingAfterExit(socket: PtySocket): void {
  const destroyNow = socket.destroy.bind(socket);
  socket.destroy = (error?: Error) => {
    // A socket that reached end-of-file is destroyed by the stream itself (autoDestroy):
    // everything was read, so close now; deferring that delayed the exit by the grace.
    if (error !== undefined || socket.destroyed || socket.readableEnded) return destroyNow(error);
    const timer = setTimeout(() => destroyNow(), PTY_DRAIN_GRACE_MS);
    timer.unref?.();
    socket.once("close", () => clearTimeout(timer));
    return socket;
  };
}

/**
 * libuv (Node 20 to 24) takes a short read after the terminal hung up (POLLHUP) for
 * end-of-file (libuv issue 4992), although the kernel may still hold what the child wrote
 * just before its last terminal fd closed: a command that printed 30 KB and exited lost
 * its tail in 94 runs of 100. At that end-of-file the master fd is still open and
 * non-blocking, so read it dry here: the kernel hands over the rest, then EIO.
 */
function readRestAtEnd(socket: PtySocket, fd: number | undefined, deliver: (chunk: Buffer) => void): void {
  if (fd === undefined || isDeno()) return; // Deno reads the terminal its own way, not through libuv
  socket.once("end", () => {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch {
        return; // EIO: all read; EAGAIN: nothing more
      }
      if (n <= 0) return;
      deliver(Buffer.from(buffer.subarray(0, n)));
    }
  });
}

type PtySocket = { destroy(error?: Error): unknown; destroyed: boolean; readableEnded: boolean; once(e: string, f: () => void): unknown };

export async function launchPty(spec: LaunchSpec, rows: number, cols: number): Promise<LaunchedChild> {
  const [program, ...args] = spec.argv;
  if (!program) throw new SpawnError("missing program for PTY spawn", undefined);
  const cwd = ptyCwd(spec.cwd, spec.env);
  checkProgram(program, cwd, spec.env);
  const pty = await loadPty();
  let term: import("node-pty").IPty;
  try {
    term = pty.spawn(HOLD_TERMINAL[0], [...HOLD_TERMINAL.slice(1), program, ...args], {
      cwd,
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
  const { _socket: socket, _fd: fd } = term as unknown as { _socket?: PtySocket; _fd?: number };
  let outputEnded = false;
  const output = new Readable({
    read() {
      term.resume();
    },
  });
  const deliver = (chunk: Buffer) => {
    if (outputEnded || output.destroyed) return;
    if (!output.push(chunk)) term.pause();
  };
  term.onData((data: string | Buffer) => deliver(typeof data === "string" ? Buffer.from(data, "utf8") : data));
  if (socket) {
    keepReadingAfterExit(socket);
    readRestAtEnd(socket, fd, deliver);
  }
  let open = true;
  // Writes are chained so bytes keep their order whichever writer is used.
  let writing: Promise<void> = Promise.resolve();
  const writeBytes = (bytes: Buffer | string): Promise<void> => {
    writing = writing.then(async () => {
      if (!open) return;
      if (isDeno() && fd !== undefined) {
        await denoPtyWrite(fd, typeof bytes === "string" ? Buffer.from(bytes) : bytes, () => open);
      } else {
        term.write(bytes);
      }
    });
    return writing;
  };
  const exited = new Promise<ExitInfo>((res) => {
    term.onExit(({ exitCode, signal }) => {
      open = false;
      outputEnded = true;
      output.push(null);
      // Like Codex's PTY backend: a child that died from a signal reports exit code 1.
      res({ code: signal ? 1 : exitCode, signal: null });
    });
  });
  return {
    pid,
    tty: true,
    outputs: [["stdout", output]],
    stdin: {
      write: (bytes) => writeBytes(bytes),
      // A terminal has no separate stdin to close. Like Codex (portable-pty's writer drop),
      // send a newline and then the EOF character: EOF only ends a read at a line start.
      close: () => void writeBytes("\n\x04"),
    },
    exited,
    resize(r, c) {
      if (!open) throw new Error("process is no longer running");
      term.resize(c, r);
    },
    killGroup: () => killGroup(pid),
  };
}
