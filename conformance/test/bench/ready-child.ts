// A Node child for the process-tree measurements (CPU time, RSS): it does its work, says so
// on stdout, then idles until killed, so a figure is read while the child is still in the tree.
import { spawn } from "node:child_process";
import { once } from "node:events";

/** Runs `script` in a Node child, waits for its first output, runs `measure` on its pid, then kills it. */
export async function withReadyChild(script: string, measure: (pid: number) => void | Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  try {
    await once(child.stdout, "data");
    await measure(child.pid!);
  } finally {
    child.kill("SIGKILL");
  }
}
