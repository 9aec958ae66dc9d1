// The sandbox decision for command/exec. No sandbox backend exists yet, so every policy
// that needs one is refused (never run unsandboxed); policies that ask for no sandbox run
// directly. The sandbox issue replaces `decideSandbox` with a real backend selection.
import type { PermissionProfile, SandboxPolicy } from "../../../schema/src/index.ts";

export const BUILTIN_PROFILE_IDS = [":read-only", ":workspace", ":danger-full-access"] as const;

export type SandboxDecision =
  | { kind: "direct" }
  | { kind: "refuse"; detail: string }
  | { kind: "invalidProfile"; detail: string };

export interface SandboxRequest {
  sandboxPolicy?: SandboxPolicy | null | undefined;
  permissionProfile?: string | PermissionProfile | null | undefined;
}

const needsSandbox = (what: string): SandboxDecision => ({
  kind: "refuse",
  detail: `sandbox backend not available yet: ${what} requires a sandbox; this reference server never runs it unsandboxed`,
});

/** Permission resolution (step 9 of upstream's order): rejects unknown profile ids. */
export function resolveProfileId(id: string): { kind: "invalidProfile"; detail: string } | undefined {
  if ((BUILTIN_PROFILE_IDS as readonly string[]).includes(id)) return undefined;
  if (id.startsWith(":")) {
    return { kind: "invalidProfile", detail: `default_permissions refers to unknown built-in profile \`${id}\`` };
  }
  // User-defined profiles live in a `[permissions]` config table this server does not have.
  return { kind: "invalidProfile", detail: "default_permissions requires a `[permissions]` table" };
}

export function decideSandbox(request: SandboxRequest): SandboxDecision {
  const profile = request.permissionProfile ?? undefined;
  if (profile !== undefined) {
    if (typeof profile === "string") {
      const invalid = resolveProfileId(profile);
      if (invalid) return invalid;
      return profile === ":danger-full-access" ? { kind: "direct" } : needsSandbox(`permission profile ${profile}`);
    }
    if (profile.type === "disabled" || profile.type === "external") return { kind: "direct" };
    return needsSandbox("a managed permission profile");
  }
  const policy = request.sandboxPolicy ?? undefined;
  if (policy === undefined) return needsSandbox("the default policy (readOnly, network off)");
  switch (policy.type) {
    case "dangerFullAccess":
    case "externalSandbox":
      return { kind: "direct" };
    case "readOnly":
      return needsSandbox("sandbox policy readOnly");
    case "workspaceWrite":
      return needsSandbox("sandbox policy workspaceWrite");
  }
}
