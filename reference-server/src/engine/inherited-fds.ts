// Children get stdin, stdout and stderr (or their terminal) and nothing else. Node and
// Deno open their own descriptors close-on-exec, but a descriptor the server INHERITED
// without that flag (an open file of the shell or supervisor that started it) would pass
// through every exec: into unsandboxed children, PTY children and the bwrap sandbox alike.
// So the server closes such descriptors once at start-up, before it runs anything.
import { closeSync, readFileSync, readdirSync } from "node:fs";

const O_CLOEXEC = 0o2000000;

type DenoFfi = { dlopen(path: string, symbols: Record<string, unknown>): { symbols: { close(fd: number): number } } };

/** close(2): node's closeSync, or libc's under Deno (whose closeSync only knows its own resources). */
function closer(): (fd: number) => void {
  const deno = (globalThis as { Deno?: DenoFfi }).Deno;
  if (deno === undefined) return (fd) => closeSync(fd);
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      const lib = deno.dlopen(name, { close: { parameters: ["i32"], result: "i32" } });
      return (fd) => void lib.symbols.close(fd);
    } catch {
      // try the next name
    }
  }
  throw new Error("cannot load libc to close inherited descriptors");
}

/** Inherited descriptors above 2 that would survive exec (Linux: read from /proc). */
export function inheritedDescriptors(): number[] {
  const keep = new Set([0, 1, 2]);
  const ipc = Number(process.env.NODE_CHANNEL_FD);
  if (Number.isInteger(ipc)) keep.add(ipc);
  const found: number[] = [];
  for (const name of readdirSync("/proc/self/fd")) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || keep.has(fd)) continue;
    let flags: number;
    try {
      const m = /^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
      if (m === null) continue;
      flags = parseInt(m[1]!, 8);
    } catch {
      continue; // the directory handle of this very listing, already gone
    }
    if ((flags & O_CLOEXEC) === 0) found.push(fd);
  }
  return found;
}

/** Closes every inherited descriptor above 2 that is not close-on-exec; returns them. */
export function closeInheritedDescriptors(): number[] {
  if (process.platform !== "linux") return [];
  const fds = inheritedDescriptors();
  if (fds.length === 0) return fds;
  const close = closer();
  for (const fd of fds) {
    try {
      close(fd);
    } catch {
      // already closed
    }
  }
  return fds;
}
