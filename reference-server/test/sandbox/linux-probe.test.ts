// The Linux sandbox probe against stand-in bwraps (shell scripts around the real one): one
// bwrap process on a working host, the step-by-step path when an option is missing, and
// fail-closed outcomes when namespaces or the seccomp filter do not work.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBwrap, probeLinuxSandboxUncached } from "../../src/sandbox/backends/linux-bwrap.ts";
import { probeLinuxSandbox } from "../../src/sandbox/backends/index.ts";

const live = process.platform === "linux" ? await probeLinuxSandbox() : undefined;
const realBwrap = findBwrap();
const dir = mkdtempSync(join(tmpdir(), "sbx-probe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in bwrap: logs each call's arguments to <name>.log, runs `body`, then the real bwrap. */
function fakeBwrap(name: string, body: string): { path: string; calls: () => string[] } {
  const path = join(dir, name);
  const log = `${path}.log`;
  writeFileSync(log, "");
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n${body}\nexec '${realBwrap}' "$@"\n`);
  chmodSync(path, 0o755);
  return { path, calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

/** Shell: exit 1 with `message` on stderr when any argument equals `arg`. */
const refuseArg = (arg: string, message: string) => `for a; do [ "$a" = '${arg}' ] && { echo '${message}' >&2; exit 1; }; done`;

describe.skipIf(!live?.ok)("Linux sandbox probe (live bwrap)", () => {
  it("a working host: one bwrap process, the self-test with every option on", async () => {
    const bwrap = fakeBwrap("ok", "");
    const probe = await probeLinuxSandboxUncached(process.env, bwrap.path);
    expect(probe).toMatchObject({ ok: true, disableUserns: true, procMount: true });
    expect(bwrap.calls()).toHaveLength(1);
    expect(bwrap.calls()[0]).toMatch(/--disable-userns.*--proc \/proc.*--seccomp 3 -- \S*cat \/proc\/self\/status/);
  });

  it("a bwrap older than 0.8: learns from --version to drop --disable-userns", async () => {
    const bwrap = fakeBwrap(
      "old",
      `[ "$1" = --version ] && { echo 'bubblewrap 0.6.1'; exit 0; }\n${refuseArg("--disable-userns", "bwrap: Unknown option --disable-userns")}`,
    );
    const probe = await probeLinuxSandboxUncached(process.env, bwrap.path);
    expect(probe).toMatchObject({ ok: true, disableUserns: false, procMount: true });
    expect(bwrap.calls().at(-1)).not.toMatch(/--disable-userns/);
  });

  it("/proc cannot be mounted: keeps the host's view, still needs a passing self-test", async () => {
    const bwrap = fakeBwrap("noproc", refuseArg("--proc", "bwrap: Failed to mount proc on /newroot/proc: Operation not permitted"));
    const probe = await probeLinuxSandboxUncached(process.env, bwrap.path);
    expect(probe).toMatchObject({ ok: true, disableUserns: true, procMount: false });
    expect(bwrap.calls().at(-1)).toMatch(/--seccomp 3 -- \S*cat \/proc\/self\/status/);
  });

  it("no user namespaces: fails closed and says why", async () => {
    const bwrap = fakeBwrap("nouserns", `[ "$1" = --version ] || { echo 'bwrap: setting up uid map: Permission denied' >&2; exit 1; }`);
    const probe = await probeLinuxSandboxUncached(process.env, bwrap.path);
    expect(probe).toEqual({ ok: false, reason: "user namespaces are not available to bwrap (setting up uid map: Permission denied)" });
  });

  it("a bwrap that drops the seccomp filter: fails closed", async () => {
    // Removes `--seccomp <fd>` and runs the rest: the sandbox works, the filter is missing.
    const strip = 'skip=0; for a; do shift; if [ $skip = 1 ]; then skip=0; continue; fi; [ "$a" = --seccomp ] && { skip=1; continue; }; set -- "$@" "$a"; done';
    const bwrap = fakeBwrap("noseccomp", strip);
    const probe = await probeLinuxSandboxUncached(process.env, bwrap.path);
    expect(probe).toEqual({ ok: false, reason: "seccomp self-test: filter not active inside the sandbox (Seccomp: 0)" });
  });

  it("no bwrap at all", async () => {
    const probe = await probeLinuxSandboxUncached(process.env, null);
    expect(probe).toEqual({ ok: false, reason: "bubblewrap (bwrap) is not installed" });
  });
});
