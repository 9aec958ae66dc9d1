// Resident memory of a process tree, read from /proc (Linux only).
import { readdirSync, readFileSync } from "node:fs";

function readStatus(pid: number): { ppid: number; rssKiB: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(text)?.[1] ?? -1);
    const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    return { ppid, rssKiB };
  } catch {
    return undefined;
  }
}

export function rssSupported(): boolean {
  return readStatus(process.pid) !== undefined;
}

/**
 * Sum of VmRSS over `root` and its descendants, leaving out the subtrees of `exclude`
 * (the commands the server runs, which are not the server's own memory).
 */
export function treeRssBytes(root: number, exclude: (pid: number, comm: string) => boolean = () => false): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const status = readStatus(pid);
    if (!status) continue;
    const list = children.get(status.ppid) ?? [];
    list.push(pid);
    children.set(status.ppid, list);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    let comm = "";
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (pid !== root && exclude(pid, comm)) continue;
    total += (readStatus(pid)?.rssKiB ?? 0) * 1024;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}
