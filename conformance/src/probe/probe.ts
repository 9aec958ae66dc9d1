#!/usr/bin/env node
// The probe: a tiny, portable child program that fixtures run instead of shell utilities,
// so the corpus stays deterministic and OS-independent. It runs under Node and Deno (it
// only uses node:* modules that both provide).
//
// Usage: probe <action> [args...] [<action> [args...]]...
// Actions run in order; an unknown action exits with code 64.
//   out <text>              write <text> to stdout (escapes: \n \r \t \\, and \xHH for a raw byte)
//   err <text>              write <text> to stderr
//   outn <n> [pattern]      write exactly n bytes to stdout, repeating [pattern] (default "0123456789")
//   errn <n> [pattern]      same on stderr
//   interleave <n> <chunk>  n rounds of <chunk> bytes to stdout then <chunk> bytes to stderr ("o"/"e" patterns)
//   echo                    copy stdin to stdout until EOF
//   echo-err                copy stdin to stderr until EOF
//   readline                read one line from stdin and print "line:<text>\n"
//   count-stdin             read stdin to EOF, print "bytes:<n>\n"
//   exit <code>             exit with <code> now
//   signal <NAME>           send <NAME> (e.g. SIGKILL, SIGTERM) to itself
//   sleep <ms>              wait <ms> milliseconds
//   env <NAME>...           print "<NAME>=<value>\n", or "<NAME> unset\n"
//   cwd                     print the working directory and "\n"
//   pid                     print "pid:<pid>\n"
//   tty                     print "stdin:<bool> stdout:<bool>\n" (whether each is a terminal)
//   size                    print "<rows> <cols>\n" of the controlling terminal (stdout), or "no-tty\n"
//   wait-size <rows> <cols> [ms]  wait until the terminal reports that size (default 5000 ms), then print it
//   ignore-term             ignore SIGTERM (and SIGINT, SIGHUP) from now on
//   grandchild <ms>         start a grandchild probe (same process group) that keeps stdout/stderr open for <ms>
//   write <path> <text>     write <text> to a file (relative to cwd)
//   cat <path>              print a file's contents
//   wait-file <path> [ms]   wait until <path> exists (default 10000 ms; exit 65 on timeout)
//   marker <path> <ms>      in the background, write "marker\n" to <path> after <ms> (probe stays alive)
//   hold <ms>               keep running for <ms> even if stdin closes (alias of sleep)
//   listen <file> <ms>      in the background, accept TCP connections on 127.0.0.1 for <ms>, answering
//                           "hello\n"; the port is written to <file> once listening
//   listen-unix <path> <ms> the same on a Unix socket at <path>
//   connect <file>          connect to 127.0.0.1 at the port in <file>; print "connect:ok\n" when the
//                           listener's greeting arrives, else "connect:<error code>\n" (3 s limit)
//   connect-unix <path>     the same for a Unix socket
//   environ                 print every environment variable as "<NAME>=<value>\n", sorted by name
//   ids                     print "uid:<uid> gid:<gid>\n" ("uid:none gid:none" where there are none)
//   umask                   print "umask:<octal>\n"
//   stdio                   print what fds 0-2 are: "fd0:<pipe|tty|file|char|socket|closed> fd1:… fd2:…\n"
//   sigs                    print the ignored and blocked signal masks ("SigIgn:<hex> SigBlk:<hex>\n",
//                           from /proc/self/status; "sigs:unsupported\n" elsewhere)
//   can-read <path>         print "read:<path>:ok\n" or "read:<path>:<error code>\n"
//   can-write <path>        the same for creating (and removing) the file <path>
// When APP_SERVER_CONFORMANCE_PIDS names a directory, the probe records its pid there
// (file "<pid>") so the kit can find leftover processes; failures to do so are ignored.
import type { Socket } from "node:net";
import { existsSync, fstatSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isatty } from "node:tty";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const PID_DIR_VAR = "APP_SERVER_CONFORMANCE_PIDS";

// A fixture runs the probe for nearly every command, so its start is a good part of a corpus
// run's CPU: the modules only a few actions need load when one of them runs.
let nodeRequire: NodeJS.Require | undefined;
const builtin = <T>(id: string): T => (nodeRequire ??= createRequire(import.meta.url))(id) as T;
const net = () => builtin<typeof import("node:net")>("node:net");
const childProcess = () => builtin<typeof import("node:child_process")>("node:child_process");

function unescape(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[nrt\\])/g, (_m, c: string) => {
    if (c === "n") return "\n";
    if (c === "r") return "\r";
    if (c === "t") return "\t";
    if (c === "\\") return "\\";
    return String.fromCharCode(parseInt(c.slice(1), 16));
  });
}

/** Like unescape, but \xHH gives the raw byte (so probes can write non-UTF-8 output). */
function unescapeBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/\\x([0-9a-fA-F]{2})/g)) {
    parts.push(Buffer.from(unescape(text.slice(last, m.index)), "utf8"), Buffer.from([parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(unescape(text.slice(last)), "utf8"));
  return Buffer.concat(parts);
}

function write(stream: NodeJS.WriteStream, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

function patterned(n: number, pattern: string): Buffer {
  const unit = Buffer.from(pattern.length > 0 ? pattern : "0123456789");
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = unit[i % unit.length]!;
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const GREETING = "hello\n";

/** Listens on a TCP port of 127.0.0.1 (`at` a port file) or a Unix socket path for `ms`. */
function listen(kind: "tcp" | "unix", at: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net().createServer((socket) => socket.end(GREETING));
    server.on("error", reject);
    const ready = () => {
      if (kind === "tcp") {
        // Written then renamed, so a reader never sees a half-written port.
        const address = server.address();
        writeFileSync(`${at}.tmp`, String(typeof address === "object" && address ? address.port : ""));
        renameSync(`${at}.tmp`, at);
      }
      setTimeout(() => server.close(() => resolve()), ms);
    };
    if (kind === "tcp") server.listen(0, "127.0.0.1", ready);
    else server.listen(at, ready);
  });
}

/** "ok" when the listener's greeting arrives, else the error code (or "timeout"). */
function connectOutcome(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const timer = setTimeout(() => finish("timeout"), 3000);
    function finish(outcome: string): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    }
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      got += d;
      if (got === GREETING) finish("ok");
    });
    socket.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    socket.on("close", () => finish(got === GREETING ? "ok" : "closed"));
  });
}

function readAllStdin(onChunk: (chunk: Buffer) => Promise<void> | void): Promise<number> {
  return new Promise((resolve) => {
    let total = 0;
    let pending = Promise.resolve();
    process.stdin.on("data", (chunk: Buffer) => {
      total += chunk.length;
      pending = pending.then(() => onChunk(chunk));
    });
    process.stdin.on("end", () => void pending.then(() => resolve(total)));
    process.stdin.on("error", () => void pending.then(() => resolve(total)));
    process.stdin.resume();
  });
}

function readLine(): Promise<string> {
  return new Promise((resolve) => {
    let buf = "";
    const onData = (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      const nl = buf.search(/\r?\n|\r/);
      if (nl >= 0) {
        process.stdin.off("data", onData);
        process.stdin.pause();
        resolve(buf.slice(0, nl));
      }
    };
    process.stdin.on("data", onData);
    process.stdin.on("end", () => resolve(buf));
    process.stdin.resume();
  });
}

function terminalSize(): { rows: number; cols: number } | undefined {
  const out = process.stdout;
  if (!out.isTTY) return undefined;
  const [cols, rows] = out.getWindowSize();
  return { rows, cols };
}

function recordPid(): void {
  const dir = process.env[PID_DIR_VAR];
  if (!dir) return;
  try {
    writeFileSync(join(dir, String(process.pid)), `${process.pid}\n`);
  } catch {
    // A sandboxed probe may not be able to write there; leftovers then go undetected.
  }
}

async function main(args: string[]): Promise<void> {
  recordPid();
  const background: Promise<void>[] = [];
  let i = 0;
  const next = (): string => {
    const v = args[i++];
    if (v === undefined) throw new Error("missing argument");
    return v;
  };
  const num = (): number => {
    const v = Number(next());
    if (!Number.isFinite(v)) throw new Error("expected a number");
    return v;
  };
  while (i < args.length) {
    const action = next();
    switch (action) {
      case "out":
        await write(process.stdout, unescapeBytes(next()));
        break;
      case "err":
        await write(process.stderr, unescapeBytes(next()));
        break;
      case "outn": {
        const n = num();
        const pattern = i < args.length && !isAction(args[i]!) ? unescape(next()) : "0123456789";
        await write(process.stdout, patterned(n, pattern));
        break;
      }
      case "errn": {
        const n = num();
        const pattern = i < args.length && !isAction(args[i]!) ? unescape(next()) : "0123456789";
        await write(process.stderr, patterned(n, pattern));
        break;
      }
      case "interleave": {
        const rounds = num();
        const chunk = num();
        for (let r = 0; r < rounds; r++) {
          await write(process.stdout, patterned(chunk, "o"));
          await write(process.stderr, patterned(chunk, "e"));
        }
        break;
      }
      case "echo":
        await readAllStdin((c) => write(process.stdout, c));
        break;
      case "echo-err":
        await readAllStdin((c) => write(process.stderr, c));
        break;
      case "readline":
        await write(process.stdout, `line:${await readLine()}\n`);
        break;
      case "count-stdin": {
        const n = await readAllStdin(() => undefined);
        await write(process.stdout, `bytes:${n}\n`);
        break;
      }
      case "exit":
        process.exit(num());
        break;
      case "signal":
        process.kill(process.pid, next() as NodeJS.Signals);
        await sleep(5000);
        break;
      case "sleep":
      case "hold":
        await sleep(num());
        break;
      case "env":
        while (i < args.length && !isAction(args[i]!)) {
          const name = next();
          const value = process.env[name];
          await write(process.stdout, value === undefined ? `${name} unset\n` : `${name}=${value}\n`);
        }
        break;
      case "cwd":
        await write(process.stdout, `${process.cwd()}\n`);
        break;
      case "pid":
        await write(process.stdout, `pid:${process.pid}\n`);
        break;
      case "tty":
        await write(process.stdout, `stdin:${Boolean(process.stdin.isTTY)} stdout:${Boolean(process.stdout.isTTY)}\n`);
        break;
      case "size": {
        const s = terminalSize();
        await write(process.stdout, s ? `${s.rows} ${s.cols}\n` : "no-tty\n");
        break;
      }
      case "wait-size": {
        const rows = num();
        const cols = num();
        const limit = i < args.length && !isAction(args[i]!) ? num() : 5000;
        const deadline = Date.now() + limit;
        let s = terminalSize();
        while (Date.now() < deadline && !(s && s.rows === rows && s.cols === cols)) {
          await sleep(20);
          s = terminalSize();
        }
        await write(process.stdout, s ? `${s.rows} ${s.cols}\n` : "no-tty\n");
        break;
      }
      case "ignore-term":
        for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(sig, () => undefined);
        break;
      case "grandchild": {
        const ms = num();
        // Same process group (not detached): a group kill must take it down too.
        const child = childProcess().spawn(process.execPath, [...selfArgs(), "sleep", String(ms)], {
          stdio: ["ignore", "inherit", "inherit"],
        });
        child.unref();
        break;
      }
      case "write":
        writeFileSync(next(), unescape(next()));
        break;
      case "cat":
        await write(process.stdout, readFileSync(next()));
        break;
      case "wait-file": {
        const path = next();
        const limit = i < args.length && !isAction(args[i]!) ? num() : 10_000;
        const deadline = Date.now() + limit;
        while (!existsSync(path)) {
          if (Date.now() > deadline) process.exit(65);
          await sleep(10);
        }
        break;
      }
      case "marker": {
        const path = next();
        const ms = num();
        background.push(sleep(ms).then(() => writeFileSync(path, "marker\n")));
        break;
      }
      case "listen":
      case "listen-unix": {
        const at = next();
        background.push(listen(action === "listen" ? "tcp" : "unix", at, num()));
        break;
      }
      case "connect":
      case "connect-unix": {
        const at = next();
        let socket: Socket;
        try {
          socket = action === "connect" ? net().createConnection(Number(readFileSync(at, "utf8")), "127.0.0.1") : net().createConnection(at);
        } catch (e) {
          await write(process.stdout, `connect:${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
          break;
        }
        await write(process.stdout, `connect:${await connectOutcome(socket)}\n`);
        break;
      }
      case "environ":
        await write(process.stdout, environText());
        break;
      case "ids": {
        const uid = process.getuid?.();
        const gid = process.getgid?.();
        await write(process.stdout, `uid:${uid ?? "none"} gid:${gid ?? "none"}\n`);
        break;
      }
      case "umask":
        await write(process.stdout, `umask:${process.umask().toString(8).padStart(4, "0")}\n`);
        break;
      case "stdio":
        await write(process.stdout, `${[0, 1, 2].map((fd) => `fd${fd}:${fdKind(fd)}`).join(" ")}\n`);
        break;
      case "sigs":
        await write(process.stdout, signalMasks());
        break;
      case "can-read": {
        const path = next();
        await write(process.stdout, `read:${path}:${attempt(() => readFileSync(path))}\n`);
        break;
      }
      case "can-write": {
        const path = next();
        await write(process.stdout, `write:${path}:${attempt(() => {
          writeFileSync(path, "x", { flag: "wx" });
          rmSync(path);
        })}\n`);
        break;
      }
      default:
        await write(process.stderr, `probe: unknown action ${JSON.stringify(action)}\n`);
        process.exit(64);
    }
  }
  await Promise.all(background);
}

const ACTIONS = new Set([
  "out", "err", "outn", "errn", "interleave", "echo", "echo-err", "readline", "count-stdin", "exit", "signal",
  "sleep", "hold", "env", "cwd", "pid", "tty", "size", "wait-size", "ignore-term", "grandchild", "write", "cat",
  "wait-file", "marker", "listen", "listen-unix", "connect", "connect-unix", "environ", "ids", "umask", "stdio",
  "sigs", "can-read", "can-write",
]);

function environText(): string {
  return Object.keys(process.env)
    .sort()
    .map((k) => `${k}=${process.env[k]}\n`)
    .join("");
}

/** What a standard descriptor is, as far as fstat tells (no /proc needed). */
function fdKind(fd: number): string {
  try {
    const st = fstatSync(fd);
    if (isatty(fd)) return "tty";
    if (st.isFIFO()) return "pipe";
    if (st.isSocket()) return "socket";
    if (st.isFile()) return "file";
    if (st.isCharacterDevice()) return "char";
    return "other";
  } catch {
    return "closed";
  }
}

function signalMasks(): string {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const field = (name: string) => new RegExp(`^${name}:\\s*([0-9a-f]+)`, "m").exec(status)?.[1] ?? "?";
    return `SigIgn:${field("SigIgn")} SigBlk:${field("SigBlk")}\n`;
  } catch {
    return "sigs:unsupported\n";
  }
}

function attempt(f: () => void): string {
  try {
    f();
    return "ok";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "error";
  }
}

function isAction(word: string): boolean {
  return ACTIONS.has(word);
}

/** The argv prefix that re-runs this probe (used for grandchildren). */
function selfArgs(): string[] {
  const self = fileURLToPath(import.meta.url);
  const deno = (globalThis as { Deno?: unknown }).Deno;
  return deno ? ["run", "-A", self] : [self];
}

main(process.argv.slice(2)).then(
  () => {
    // Let stdout drain, then exit explicitly so stdin listeners do not keep us alive.
    process.stdout.write("", () => process.exit(0));
  },
  (err: unknown) => {
    process.stderr.write(`probe: ${(err as Error).message}\n`);
    process.exit(70);
  },
);
