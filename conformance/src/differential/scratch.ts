// Where the differential's workspaces live. Not under the temporary folder: both servers
// run side by side, and an oracle's sandbox may create mount points on the host in its
// writable roots (Codex makes /tmp/.git while a workspaceWrite command runs). A workspace
// under /tmp then has, for a moment, a parent "repository", and a server that keeps git's
// parent-repo discovery working (leaves a missing .git unprotected when an ancestor has
// one) answers differently for a reason that is neither server's. /var/tmp is no sandbox's
// writable root unless TMPDIR points there.
import { accessSync, constants, mkdtempSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";

const inside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

function usable(candidate: string): boolean {
  try {
    if (!statSync(candidate).isDirectory()) return false;
    accessSync(candidate, constants.W_OK);
    const real = realpathSync(candidate);
    const temp = realpathSync(tmpdir());
    return !inside(real, temp) && !inside(temp, real);
  } catch {
    return false;
  }
}

export interface Scratch {
  /** The folder each run's workspace and pid folder are made in. */
  dir: string;
  /** True when no folder outside the temporary folder could be used. */
  underTmp: boolean;
  remove(): void;
}

/** A fresh folder for the workspaces, outside os.tmpdir() when the machine has one to offer. */
export function openScratch(candidates: readonly string[] = process.platform === "win32" ? [] : ["/var/tmp"]): Scratch {
  const base = candidates.find(usable);
  const dir = realpathSync(mkdtempSync(join(base ?? tmpdir(), "asc-diff-")));
  return { dir, underTmp: base === undefined, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }) };
}
