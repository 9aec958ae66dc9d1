// Children must die with the server however it dies, SIGKILL included, when nothing in
// the server runs any more. A tiny watcher process (POSIX sh, its own process group) is
// told the pid of every child as it starts ("+ PID") and ends ("- PID") over a pipe. When
// the pipe closes (the server exited, normally or not), it freezes every child's group,
// collects the whole tree (group and session members, and descendants through parent
// links, so `setsid` grandchildren too) and SIGKILLs it.
import { childProcess } from "../util/lazy-builtins.ts";
import type { Writable } from "node:stream";
import { log } from "../log.ts";

const SCRIPT = `
pids=" "
while read -r op pid; do
  case $op in
    +) pids="$pids$pid " ;;
    -) case $pids in *" $pid "*) pids="\${pids%% $pid *} \${pids#* $pid }" ;; esac ;;
  esac
done
[ "$pids" = " " ] && exit 0
for p in $pids; do kill -s STOP -- -$p 2>/dev/null || kill -s STOP $p 2>/dev/null; done
victims="$pids"
grow=1
while [ $grow = 1 ]; do
  grow=0
  for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    pid=\${line%% *}
    case $victims in *" $pid "*) continue ;; esac
    set -- \${line##*) }
    case $victims in *" $2 "*|*" $3 "*|*" $4 "*) victims="$victims$pid "; kill -s STOP $pid 2>/dev/null; grow=1 ;; esac
  done
done
for p in $victims; do kill -s KILL -- -$p 2>/dev/null; kill -s KILL $p 2>/dev/null; done
exit 0
`;

let pipe: Writable | null | undefined;

function watcher(): Writable | null {
  if (pipe !== undefined) return pipe;
  pipe = null;
  if (process.platform === "win32") return pipe;
  try {
    const child = childProcess().spawn("/bin/sh", ["-c", SCRIPT, "app-server-reaper"], { stdio: ["pipe", "ignore", "ignore"], detached: true });
    child.on("error", (error) => log("warn", `process reaper unavailable: ${error.message}`));
    child.unref();
    const stdin = child.stdin!;
    stdin.on("error", () => undefined);
    (stdin as unknown as { unref?: () => void }).unref?.();
    pipe = stdin;
  } catch (error) {
    log("warn", `process reaper unavailable: ${(error as Error).message}`);
  }
  return pipe;
}

/** The server now owns `pid` (a process group leader): kill its tree if the server dies. */
export function watchChild(pid: number): void {
  watcher()?.write(`+ ${pid}\n`);
}

/** `pid` and its group are gone (reaped and killed): stop watching it. */
export function forgetChild(pid: number): void {
  pipe?.write(`- ${pid}\n`);
}
