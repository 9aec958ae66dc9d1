// Resident memory of a process tree, read from /proc (Linux only).
import { readFileSync } from "node:fs";
import { treePids } from "./proc-tree.ts";

function readStatus(pid: number): { rssKiB: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, "utf8");
    return { rssKiB: Number(/^VmRSS:\s+(\d+)/m.exec(text)?.[1] ?? 0) };
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
  const keep = (pid: number) => {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      return false;
    }
    return pid === root || !exclude(pid, comm);
  };
  return treePids(root, keep).reduce((sum, pid) => sum + (readStatus(pid)?.rssKiB ?? 0) * 1024, 0);
}
