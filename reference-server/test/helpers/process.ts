// process/* helpers on top of the stdio test client.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually, type Message, type ServerProcess } from "./server.ts";

/** The Node binary for child scripts (under Deno the tests' execPath is deno). */
export const NODE = process.execPath.includes("deno") ? "node" : process.execPath;

export const EXITED_KEYS = [
  "processHandle",
  "exitCode",
  "outputDrainTimedOut",
  "stdout",
  "stdoutCapReached",
  "stderr",
  "stderrCapReached",
];

/** process/spawn params; `cwd` defaults to /tmp. */
export function spawnParams(handle: string, command: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { command, processHandle: handle, cwd: "/tmp", ...extra };
}

const about = (m: Message, method: string, handle: string) => m.method === method && m.params?.processHandle === handle;

/** Every notification of `method` about `handle` so far. */
export function notificationsFor(s: ServerProcess, method: string, handle: string): Message[] {
  return s.messages.filter((m) => about(m, method, handle));
}

/** Resolves with the n-th (0-based) process/exited for `handle`. */
export function exited(s: ServerProcess, handle: string, nth = 0): Promise<Message> {
  return s.waitFor((m) => about(m, "process/exited", handle) && notificationsFor(s, "process/exited", handle).indexOf(m) === nth);
}

/** Concatenated streamed bytes of one stream of a handle. */
export function streamedBytes(s: ServerProcess, handle: string, stream: "stdout" | "stderr"): Buffer {
  return Buffer.concat(
    notificationsFor(s, "process/outputDelta", handle)
      .filter((m) => m.params.stream === stream)
      .map((m) => Buffer.from(m.params.deltaBase64 as string, "base64")),
  );
}

/** Resolves once the handle's streamed stdout contains `text`. */
export async function streamedUntil(s: ServerProcess, handle: string, text: string): Promise<void> {
  if (streamedBytes(s, handle, "stdout").includes(text)) return;
  await s.waitFor((m) => about(m, "process/outputDelta", handle) && streamedBytes(s, handle, "stdout").includes(text));
}

/** True once `pid` is gone (or a zombie). */
export function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

/** Waits for a pid file a child wrote (`echo $pid > file`) and returns the pid. */
export async function pidFrom(dir: string, name: string): Promise<number> {
  const file = join(dir, name);
  await eventually(() => existsSync(file) && readFileSync(file, "utf8").endsWith("\n"));
  return Number(readFileSync(file, "utf8"));
}
