// Patterns reach the probe as escapes: Deno drops a trailing raw "\r" from program
// arguments, which once made an output-cap case under Deno see "0" (the default pattern).
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { probeArgv } from "../../src/probe/probe-path.ts";
import { probeEscape } from "../../src/properties/props/output-cap.ts";
import { probeBuilt } from "../support/helpers.ts";

describe.skipIf(!probeBuilt)("probe patterns", () => {
  it("control characters and backslashes arrive intact, whatever runs the probe", () => {
    const argv = probeArgv();
    for (const pattern of ["\r", "x\r", "\\r\\", "\u0001\n\t\u007f", "plain"]) {
      const r = spawnSync(argv[0]!, [...argv.slice(1), "outn", String(pattern.length), probeEscape(pattern)]);
      expect(r.stdout.toString("latin1"), JSON.stringify(pattern)).toBe(pattern);
    }
  });
});
