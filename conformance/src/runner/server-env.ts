// The environment every server gets: none of ours beyond what a program needs to start
// (and a Windows one to find its system), so results do not depend on the shell the kit
// runs in; the descriptor and the fixture add theirs.
import process from "node:process";

/** The environment every server gets: a scrubbed copy of ours plus the descriptor's. */
export function scrubbedEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "SystemRoot", "COMSPEC", "PATHEXT", "WINDIR", "USERPROFILE"];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}
