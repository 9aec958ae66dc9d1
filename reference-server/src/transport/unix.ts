// Unix-socket listening, safely: the socket is created inside a fresh 0700 directory,
// made 0600, then renamed onto the requested path, so it is never reachable with looser
// permissions. An existing path is replaced only when it is a socket nobody answers on
// (a stale socket); a regular file, directory, symlink or live socket is never touched.
import { chmodSync, lstatSync, mkdtempSync, renameSync, rmdirSync, unlinkSync, type Stats } from "node:fs";
import { createConnection, type Server } from "node:net";
import { basename, dirname, join } from "node:path";
import { log } from "../log.ts";

/** sun_path is 108 bytes on Linux, 104 on macOS (including the terminating NUL). */
const MAX_SOCKET_PATH = process.platform === "linux" ? 107 : 103;
const PROBE_TIMEOUT_MS = 1000;

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Resolves "live" when something accepts a connection on `path`, "stale" when refused. */
function probeSocket(path: string): Promise<"live" | "stale" | "gone"> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("live"); // something holds it but does not answer: do not steal it
    }, PROBE_TIMEOUT_MS);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("live");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ECONNREFUSED") resolve("stale");
      else if (error.code === "ENOENT") resolve("gone");
      else reject(new Error(`cannot probe existing socket ${path}: ${error.message}`));
    });
  });
}

/** Throws unless `path` is free or holds a stale socket. */
export async function checkSocketPath(path: string): Promise<"free" | "stale"> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) throw new Error(`unix socket path is too long (${Buffer.byteLength(path)} bytes, at most ${MAX_SOCKET_PATH}): ${path}`);
  const st = lstatOrUndefined(path);
  if (st === undefined) return "free";
  if (!st.isSocket()) throw new Error(`refusing to listen on ${path}: the path exists and is not a socket`);
  const state = await probeSocket(path);
  if (state === "live") throw new Error(`unix socket ${path} is already in use by another server`);
  return state === "gone" ? "free" : "stale";
}

export interface UnixListening {
  path: string;
  /** Removes the socket file if it is still the one this server created. */
  cleanup(): void;
}

/** Listens `server` on `path` (see the file comment); resolves once reachable there. */
export async function listenUnix(server: Server, path: string): Promise<UnixListening> {
  const state = await checkSocketPath(path);
  const dir = mkdtempSync(join(dirname(path), `.${basename(path).slice(0, 8)}-`));
  const temp = join(dir, "s");
  try {
    if (Buffer.byteLength(temp) > MAX_SOCKET_PATH) throw new Error(`unix socket path is too long for the temporary socket ${temp}`);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(temp, () => {
        server.off("error", reject);
        resolve();
      });
    });
    chmodSync(temp, 0o600);
    // Re-check right before the rename: the path must still be absent or a socket.
    const now = lstatOrUndefined(path);
    if (now !== undefined && !now.isSocket()) throw new Error(`refusing to listen on ${path}: the path exists and is not a socket`);
    if (now !== undefined && state === "free") {
      // A socket appeared meanwhile: replace it only if it is stale too.
      if ((await probeSocket(path)) === "live") throw new Error(`unix socket ${path} is already in use by another server`);
    }
    if (now !== undefined) log("info", `replacing stale unix socket ${path}`);
    renameSync(temp, path);
  } catch (error) {
    server.close();
    try {
      unlinkSync(temp);
    } catch {
      // not created
    }
    rmdirSync(dir);
    throw error;
  }
  rmdirSync(dir);
  const mine = lstatSync(path);
  return {
    path,
    cleanup() {
      const st = lstatOrUndefined(path);
      if (st && st.isSocket() && st.ino === mine.ino && st.dev === mine.dev) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }
    },
  };
}
