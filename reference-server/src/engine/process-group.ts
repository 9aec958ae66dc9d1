import { constants } from "node:os";
import { treeOf } from "./process-tree.ts";

// Children run as leaders of their own session/process group; killing targets the group.
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(-pid, signal);
    return;
  } catch {
    // ESRCH: the group is gone, or does not exist yet: node-pty returns right after fork,
    // before the child's setsid(). Such a child has no children yet, and its pid cannot
    // be reused before we reap it, so signal it directly.
  }
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Ends a child's whole tree: freezes its group (nothing forks meanwhile), then kills the
 * group and every descendant that left it (`setsid`), found through parent links.
 */
export function killTree(pid: number): void {
  try {
    process.kill(-pid, "SIGSTOP");
  } catch {
    // no such group (yet): killGroup below falls back to the pid
  }
  for (const member of treeOf(pid)) {
    try {
      process.kill(member, "SIGKILL");
    } catch {
      // gone
    }
  }
  killGroup(pid);
}

/** Exit status the way a shell reports it: the code, or 128+N for signal N. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | number | null | undefined): number {
  if (typeof signal === "number" && signal > 0) return 128 + signal;
  if (typeof signal === "string") {
    const n = signalNumber(signal);
    if (n !== undefined) return 128 + n;
  }
  return code ?? -1;
}

function signalNumber(name: string): number | undefined {
  return (constants.signals as Record<string, number | undefined>)[name];
}
