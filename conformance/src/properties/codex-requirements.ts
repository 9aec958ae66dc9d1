// Codex's managed requirements for the deny-read property (format "codex-requirements").
// Codex reads enforced settings from /etc/codex/requirements.toml on Linux; its
// `[permissions.filesystem] deny_read` entries are what Codex keeps under every command
// override (a config.toml profile's deny entries are only the default's). The kit never
// writes /etc: it starts the server under bubblewrap with a private /etc that is the host's
// entries plus the requirements file (docs/properties.md, "Deny-read against Codex").
import { accessSync, constants, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";

export const CODEX_REQUIREMENTS_PATH = "/etc/codex/requirements.toml";

/** The requirements file denying reads of `paths` (absolute paths or absolute globs). */
export function codexRequirementsToml(paths: readonly string[]): string {
  return ["# Written by app-server-conformance (deny-read property).", "[permissions.filesystem]", `deny_read = [${paths.map((p) => JSON.stringify(p)).join(", ")}]`, ""].join("\n");
}

/** bwrap on PATH, or undefined. */
export function findBwrap(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "bwrap");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the wrapper cannot run here, or undefined when it can. */
export function requirementsWrapUnavailable(): string | undefined {
  if (process.platform !== "linux") return `Codex's managed requirements live in ${CODEX_REQUIREMENTS_PATH} on Linux only; the kit injects them with bubblewrap (Linux)`;
  if (findBwrap() === undefined) return "bubblewrap (bwrap) is not on PATH: the kit needs it to give the server a private /etc with the requirements file";
  return undefined;
}

/**
 * argv that runs `argv` with `requirementsFile` visible at /etc/codex/requirements.toml:
 * the host's root as is, /etc replaced by a tmpfs that re-binds every host entry of /etc
 * (symlinks recreated) except `codex`, plus the file. The process group is the caller's, so
 * killing the group ends everything; --die-with-parent covers a killed parent.
 */
export function requirementsWrapArgv(requirementsFile: string, argv: readonly string[], bwrap = findBwrap() ?? "bwrap"): string[] {
  const args = [bwrap, "--dev-bind", "/", "/", "--tmpfs", "/etc"];
  for (const name of readdirSync("/etc").sort()) {
    if (name === "codex") continue;
    const path = `/etc/${name}`;
    if (lstatSync(path).isSymbolicLink()) args.push("--symlink", readlinkSync(path), path);
    else args.push("--dev-bind", path, path);
  }
  args.push("--ro-bind", requirementsFile, CODEX_REQUIREMENTS_PATH, "--die-with-parent", "--", ...argv);
  return args;
}
