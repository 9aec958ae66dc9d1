// The managed-requirements injection for Codex (deny-read property, format "codex-requirements").
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CODEX_REQUIREMENTS_PATH, codexRequirementsToml, requirementsWrapArgv, requirementsWrapUnavailable } from "../../src/properties/codex-requirements.ts";

describe("codex-requirements", () => {
  it("writes the deny_read list of [permissions.filesystem]", () => {
    expect(codexRequirementsToml(["/p/secret.env", "/p/**/*.key"])).toContain('[permissions.filesystem]\ndeny_read = ["/p/secret.env", "/p/**/*.key"]\n');
  });

  it.skipIf(requirementsWrapUnavailable() !== undefined)("shows the file at /etc/codex/requirements.toml to the wrapped command only, with the rest of /etc intact", () => {
    const dir = mkdtempSync(join(homedir(), ".asc-req-test-"));
    try {
      const file = join(dir, "requirements.toml");
      writeFileSync(file, codexRequirementsToml(["/nowhere"]));
      const argv = requirementsWrapArgv(file, ["sh", "-c", `cat ${CODEX_REQUIREMENTS_PATH} && ls -A /etc | wc -l`]);
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
      expect(r.stderr).toBe("");
      const hostEntries = readdirSync("/etc").filter((n) => n !== "codex").length;
      expect(r.stdout).toBe(`${codexRequirementsToml(["/nowhere"])}${hostEntries + 1}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
