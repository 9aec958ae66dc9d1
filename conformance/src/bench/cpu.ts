// CPU time of a process tree, read from /proc (Linux only): a figure that a shared
// machine's load moves much less than wall time.
import { statFields, treePids } from "./proc-tree.ts";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux architecture Node supports

/** utime + stime + cutime + cstime (its own time and its reaped children's), in ticks. */
function ticksOf(pid: number): number | undefined {
  const f = statFields(pid);
  return f && Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

export function cpuSupported(): boolean {
  return ticksOf(process.pid) !== undefined;
}

/** CPU milliseconds used so far by `root` and its descendants (10 ms resolution). */
export function treeCpuMs(root: number): number {
  const ticks = treePids(root).reduce((sum, pid) => sum + (ticksOf(pid) ?? 0), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU milliseconds of this process's children that have ended and been waited for, with
 * their own waited-for descendants (cutime + cstime): the cost of a whole child run, read
 * after it ends. Undefined off Linux.
 */
export function reapedChildrenCpuMs(): number | undefined {
  const f = statFields(process.pid);
  return f && ((Number(f[13]) + Number(f[14])) * 1000) / TICKS_PER_SECOND;
}
