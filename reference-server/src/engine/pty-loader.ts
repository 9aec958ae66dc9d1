// node-pty is an optional dependency (it compiles native code at install time, and an
// install without a C toolchain must still succeed). It is loaded on the first tty
// request; when it cannot be loaded, tty requests fail with PtyUnavailableError and
// every other request works as usual.

type PtyModule = typeof import("node-pty");

/** tty was requested but this server has no PTY support (node-pty missing or broken). */
export class PtyUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`tty is not supported by this server: the optional dependency node-pty could not be loaded (${reason})`);
    this.name = "PtyUnavailableError";
  }
}

let loaded: Promise<PtyModule> | undefined;

export function loadPty(): Promise<PtyModule> {
  loaded ??= import("node-pty").then(
    (m) => ((m as { default?: PtyModule }).default ?? m) as PtyModule,
    (error: unknown) => {
      const reason = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      throw new PtyUnavailableError(reason);
    },
  );
  return loaded;
}
