// Starts a child in its own session / process group, with pipes or under a PTY, and
// exposes a uniform surface: output readables, a stdin port, exit, resize.
import { SpawnError, type LaunchedChild, type LaunchSpec } from "./types.ts";
import { launchPipes } from "./spawn-pipes.ts";
import { launchPty } from "./spawn-pty.ts";

/**
 * A NUL byte cannot reach a program (C strings end there): refuse it on pipes and PTYs
 * alike, with Codex's wording, instead of letting the PTY path cut the argument short.
 */
function checkNoNul(spec: LaunchSpec): void {
  if (spec.argv.some((arg) => arg.includes("\0"))) throw new SpawnError("nul byte found in provided data", "EINVAL");
  for (const [key, value] of Object.entries(spec.env)) {
    if (key.includes("\0") || value.includes("\0")) throw new SpawnError("data provided contains a nul byte", "EINVAL");
  }
}

export async function launch(spec: LaunchSpec): Promise<LaunchedChild> {
  checkNoNul(spec);
  return spec.io.kind === "pty" ? launchPty(spec, spec.io.rows, spec.io.cols) : launchPipes(spec, spec.io.stdin);
}

