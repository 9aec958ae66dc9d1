// Finds the program of an argv the way execvp would, before spawning it.
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { describeOsError } from "./errno.ts";
import { SpawnError } from "./types.ts";

/**
 * execvp's lookup, done on the host up front for children that report a failed exec only
 * as an exit status: PTY children, and commands wrapped in a sandbox launcher.
 * Throws a SpawnError worded like the OS error.
 */
export function checkProgram(program: string, cwd: string, env: Record<string, string>): void {
  const fail = (code: string) => {
    throw new SpawnError(describeOsError({ code }), code);
  };
  const executable = (path: string): string | undefined => {
    try {
      const st = statSync(path);
      if (st.isDirectory()) return "EACCES";
      accessSync(path, fsConstants.X_OK);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? "ENOENT";
    }
  };
  if (program.includes("/")) {
    const code = executable(isAbsolute(program) ? program : resolve(cwd, program));
    if (code !== undefined) fail(code);
    return;
  }
  let sawAccess = false;
  for (const dir of (env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter)) {
    const code = executable(join(resolve(cwd, dir || "."), program));
    if (code === undefined) return;
    if (code === "EACCES") sawAccess = true;
  }
  fail(sawAccess ? "EACCES" : "ENOENT");
}
