// A child's whole tree, not just its process group: a descendant that moved to a group or
// session of its own (`setsid`) is still found through its parent links while that parent
// lives. Linux only (reads /proc); elsewhere the process group is all there is.
import { readFileSync, readdirSync } from "node:fs";

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
}

function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return stats;
  }
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, "latin1");
      // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      stats.push({ pid: Number(name), ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]) });
    } catch {
      // exited meanwhile
    }
  }
  return stats;
}

/**
 * Every live process below `root`: its group and session members and, transitively, their
 * children wherever they moved. The root itself is not included.
 */
export function treeOf(root: number): number[] {
  if (process.platform !== "linux") return [];
  const stats = readStats();
  const members = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) {
      if (members.has(s.pid)) continue;
      if (members.has(s.ppid) || members.has(s.pgrp) || members.has(s.session)) {
        members.add(s.pid);
        grew = true;
      }
    }
  }
  members.delete(root);
  return [...members];
}
