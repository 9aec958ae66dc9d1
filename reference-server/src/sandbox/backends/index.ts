// Backend selection: (plan, argv, ctx) -> wrapped command | typed refusal.
//   none / external plans            -> run directly (no sandbox of ours, by definition)
//   managed, nothing to restrict     -> run directly (full write, network on, no denies; as upstream)
//   managed on Linux                 -> bubblewrap + seccomp (refused if the probe failed)
//   managed on macOS                 -> sandbox-exec with a generated Seatbelt profile
//   managed anywhere else (Windows)  -> refused: fail closed
import type { SandboxPlan } from "../../permissions/resolve.ts";
import { probeLinuxSandbox, scanDenyGlobs, wrapLinuxWithProbe, type LinuxProbe, type LinuxWrapOptions } from "./linux-bwrap.ts";
import { wrapSeatbelt } from "./seatbelt.ts";
import { SandboxRefusal, directCommand, type WrapContext, type WrapResult } from "./types.ts";

export * from "./types.ts";
export { probeLinuxSandbox, resetLinuxSandboxProbe, buildBwrapArgs, wrapLinuxWithProbe, findBwrap } from "./linux-bwrap.ts";
export type { LinuxProbe, LinuxProbeOk } from "./linux-bwrap.ts";
export { seatbeltProfile, seatbeltArgv, wrapSeatbelt, SANDBOX_EXEC } from "./seatbelt.ts";
export { seccompFilterBytes, seccompProgram } from "./seccomp.ts";

export interface WrapOptions extends LinuxWrapOptions {
  platform?: NodeJS.Platform | undefined;
  /** Injected probe (tests); defaults to the cached `probeLinuxSandbox()`. */
  linuxProbe?: (() => Promise<LinuxProbe>) | undefined;
}

export function needsPlatformSandbox(plan: SandboxPlan): boolean {
  if (plan.kind !== "managed") return false;
  return !(plan.fullWrite && plan.network && plan.denyPaths.length === 0 && plan.denyGlobs.length === 0);
}

/**
 * Wraps `argv` so that it runs under `plan`. Returns a SandboxRefusal (never throws one)
 * when the plan cannot be enforced here; the caller must then not run the command.
 */
export async function wrapCommand(plan: SandboxPlan, argv: readonly string[], ctx: WrapContext, options: WrapOptions = {}): Promise<WrapResult> {
  if (!needsPlatformSandbox(plan) || plan.kind !== "managed") return directCommand(argv);
  const platform = options.platform ?? process.platform;
  try {
    switch (platform) {
      case "linux": {
        const probe = await (options.linuxProbe ?? probeLinuxSandbox)();
        if (!probe.ok) {
          return new SandboxRefusal("unavailable", "linux-bwrap", `sandbox unavailable (${probe.reason}); refusing to run a sandboxed policy without a sandbox`);
        }
        // Deny globs are walked first without blocking the event loop.
        const globScans = options.globScans ?? (await scanDenyGlobs(plan, options.globLimits));
        return wrapLinuxWithProbe(plan, argv, ctx, probe, { ...options, globScans });
      }
      case "darwin":
        return wrapSeatbelt(plan, argv, ctx, platform);
      default:
        return new SandboxRefusal("unsupported", platform, `no sandbox backend for ${platform}; only danger-full-access and external-sandbox policies run here`);
    }
  } catch (error) {
    if (error instanceof SandboxRefusal) return error;
    throw error;
  }
}
