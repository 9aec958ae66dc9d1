// A process tree read from /proc (Linux only): the bench's CPU and memory figures and the
// reliability suite's leftover counts all walk the same parent links.
import { readdirSync, readFileSync } from "node:fs";

/** Fields of /proc/PID/stat after the command name (which may hold spaces), from field 3 (state) on. */
export function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * `root` and its live descendants, parents before children. A pid for which `keep` says
 * false is left out with its whole subtree.
 */
export function treePids(root: number, keep: (pid: number) => boolean = () => true): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const ppid = Number(statFields(pid)?.[1] ?? -1);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (!keep(pid)) continue;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}
