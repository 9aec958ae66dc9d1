// Renders spawn failures the way Rust's std::io::Error prints OS errors:
// `<strerror> (os error <n>)`.
import { constants } from "node:os";
import { SpawnError } from "./types.ts";

const STRERROR: Record<string, string> = {
  EPERM: "Operation not permitted",
  ENOENT: "No such file or directory",
  ESRCH: "No such process",
  EINTR: "Interrupted system call",
  EIO: "Input/output error",
  E2BIG: "Argument list too long",
  ENOEXEC: "Exec format error",
  EBADF: "Bad file descriptor",
  EAGAIN: "Resource temporarily unavailable",
  ENOMEM: "Cannot allocate memory",
  EACCES: "Permission denied",
  EFAULT: "Bad address",
  EBUSY: "Device or resource busy",
  EEXIST: "File exists",
  ENOTDIR: "Not a directory",
  EISDIR: "Is a directory",
  EINVAL: "Invalid argument",
  ENFILE: "Too many open files in system",
  EMFILE: "Too many open files",
  ETXTBSY: "Text file busy",
  ENOSPC: "No space left on device",
  EPIPE: "Broken pipe",
  ENAMETOOLONG: "File name too long",
  ELOOP: "Too many levels of symbolic links",
};

export function describeOsError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code !== undefined) {
    const n = (constants.errno as Record<string, number | undefined>)[code];
    const text = STRERROR[code];
    if (n !== undefined && text !== undefined) return `${text} (os error ${n})`;
    if (n !== undefined) return `${code} (os error ${n})`;
  }
  return typeof e.message === "string" ? e.message : String(error);
}

export function spawnFailure(error: unknown): SpawnError {
  const code = (error as { code?: unknown }).code;
  return new SpawnError(describeOsError(error), typeof code === "string" ? code : undefined);
}
