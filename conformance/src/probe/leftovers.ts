// Leftover-process detection. The kit puts APP_SERVER_CONFORMANCE_PIDS=<dir> into the
// server's environment; every probe started during a fixture (directly or as a
// grandchild) writes its pid there. Servers that hand their environment down make every
// probe visible; a server that scrubs the variable hides its probes (they are not
// reported, and the kit cannot clean them up).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import process from "node:process";

export const PID_DIR_VAR = "APP_SERVER_CONFORMANCE_PIDS";

function isZombie(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const text = readFileSync(stat, "utf8");
    const state = text.slice(text.lastIndexOf(")") + 2, text.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

export function recordedPids(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => Number(name))
    .filter((pid) => Number.isSafeInteger(pid) && pid > 0);
}

export function livePids(dir: string): number[] {
  return recordedPids(dir).filter(isAlive);
}

export function describePid(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    return `${pid} (${cmd.length > 120 ? `${cmd.slice(0, 120)}…` : cmd})`;
  } catch {
    return String(pid);
  }
}

/** SIGKILLs every live probe recorded in `dir` (probes the kit caused to start). */
export function killRecorded(dir: string): number[] {
  const killed: number[] = [];
  for (const pid of livePids(dir)) {
    try {
      process.kill(pid, "SIGKILL");
      killed.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}
