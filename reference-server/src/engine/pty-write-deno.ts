// Under Deno, node-pty's writer (fs.write on the PTY master fd) fails with EBADF because
// the fd is not in Deno's resource table. Write the master fd through libc instead.
type DenoFfi = {
  dlopen(path: string, symbols: Record<string, unknown>): { symbols: { write(fd: number, buf: Uint8Array, len: bigint | number): bigint | number } };
};

let writeFn: ((fd: number, bytes: Uint8Array) => number) | undefined;

function libcWrite(): (fd: number, bytes: Uint8Array) => number {
  if (writeFn) return writeFn;
  const deno = (globalThis as { Deno?: DenoFfi }).Deno!;
  let lastError: unknown;
  for (const name of ["libc.so.6", "libc.so", "libSystem.dylib"]) {
    try {
      const lib = deno.dlopen(name, { write: { parameters: ["i32", "buffer", "usize"], result: "isize" } });
      writeFn = (fd, bytes) => Number(lib.symbols.write(fd, bytes, BigInt(bytes.length)));
      return writeFn;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

export function isDeno(): boolean {
  return (globalThis as { Deno?: unknown }).Deno !== undefined;
}

/** Writes all bytes to a non-blocking fd, retrying while it is full; stops when `alive()` turns false. */
export async function denoPtyWrite(fd: number, bytes: Uint8Array, alive: () => boolean): Promise<void> {
  const write = libcWrite();
  let offset = 0;
  while (offset < bytes.length && alive()) {
    const n = write(fd, bytes.subarray(offset));
    if (n > 0) offset += n;
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
