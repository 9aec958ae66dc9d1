// Shared vocabulary of the sandbox backends: (plan, argv, ctx) -> wrapped command | refusal.

export type RefusalReason =
  /** The platform mechanism is missing or broken (bwrap absent, user namespaces denied, seccomp self-test failed). */
  | "unavailable"
  /** The platform cannot enforce this policy shape. */
  | "unsupported";

/** A typed refusal: the command must not run (never a silent fallback to no sandbox). */
export class SandboxRefusal extends Error {
  readonly kind = "refused" as const;
  constructor(
    readonly reason: RefusalReason,
    readonly backend: string,
    detail: string,
  ) {
    super(`${backend}: ${detail}`);
    this.name = "SandboxRefusal";
  }
}

export interface WrappedCommand {
  readonly kind: "wrapped";
  /** Which backend wrapped the command ("none" for plans that run directly). */
  readonly backend: "none" | "linux-bwrap" | "macos-seatbelt";
  /** The argv to spawn instead of the original one. */
  argv: string[];
  /** The complete child environment when the backend changed it; otherwise use your own. */
  env?: Record<string, string> | undefined;
  /**
   * File descriptors to pass as extra stdio slots 3, 4, … (only with `fdPassing: "stdio"`),
   * e.g. `spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe", ...extraFds] })`.
   * Empty with the default `fdPassing: "shell"`.
   */
  extraFds: number[];
  /** Call once after the child exited (or failed to spawn): removes temp files and the
   *  placeholders bwrap created on the host. Idempotent. */
  cleanup(): void;
}

export interface WrapContext {
  /** The command's absolute working directory. */
  cwd: string;
  /** The command runs under a PTY (no `--new-session`; TIOCSTI blocked by seccomp). */
  pty: boolean;
  /** The child's environment (not modified by the Linux backend). */
  env: Record<string, string>;
  /**
   * How the Linux backend hands the seccomp filter and /dev/null to bwrap:
   * "shell" (default): a `/bin/sh` trampoline opens them as fds 3 and 4, so the wrapped
   * argv works with any spawner, including node-pty; "stdio": the caller passes
   * `extraFds` as stdio slots 3 and 4.
   */
  fdPassing?: "shell" | "stdio" | undefined;
}

export type WrapResult = WrappedCommand | SandboxRefusal;

export function directCommand(argv: readonly string[]): WrappedCommand {
  return { kind: "wrapped", backend: "none", argv: [...argv], extraFds: [], cleanup() {} };
}
