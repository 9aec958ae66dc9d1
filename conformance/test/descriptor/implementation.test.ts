// Implementation descriptors: variable expansion, the committed descriptors, and command
// lines split like a shell.
import process from "node:process";
import { describe, expect, it } from "vitest";
import { expandDescriptorString, loadImplementation } from "../../src/descriptor/implementation.ts";
import { splitCommandLine } from "../../src/transports/server-process.ts";

describe("implementation descriptors", () => {
  it("expand env references with defaults, home, node and descriptorDir", () => {
    const ctx = { descriptorDir: "/d", env: { SET: "yes", EMPTY: "" } };
    expect(expandDescriptorString("${env:SET}", ctx)).toBe("yes");
    expect(expandDescriptorString("${env:UNSET:-fallback}", ctx)).toBe("fallback");
    expect(expandDescriptorString("${env:EMPTY:-${descriptorDir}/x}", ctx)).toBe("/d/x");
    expect(expandDescriptorString("${node}", ctx)).toBe(process.execPath);
    expect(() => expandDescriptorString("${env:UNSET}", ctx)).toThrow(/not set/);
  });
  it("load the committed descriptors (CODEX_BIN overrides the oracle)", () => {
    const codex = loadImplementation("fixtures/implementations/codex.jsonc", { CODEX_BIN: "/opt/codex", HOME: "/h" });
    expect(codex.argv).toEqual(["/opt/codex", "app-server"]);
    expect(codex.env.CODEX_HOME).toMatch(/\.codex-oracle-home$/);
    expect(codex.features).toContain("experimental");
    for (const e of codex.baseline) expect(e.reason.length).toBeGreaterThan(0);
    const ref = loadImplementation("fixtures/implementations/reference.jsonc");
    expect(ref.argv[1]).toMatch(/dist\/reference-server\/src\/main\.cjs$/);
  });
  it("split command lines like a shell (quotes, escapes)", () => {
    expect(splitCommandLine(`node "a b.js" 'c d' e\\ f ""`)).toEqual(["node", "a b.js", "c d", "e f", ""]);
    expect(() => splitCommandLine(`"open`)).toThrow(/unterminated/);
  });
});
