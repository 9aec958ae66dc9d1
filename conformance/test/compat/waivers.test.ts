// Waivers: reasoned exceptions; stale ones fail.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/compat/diff.ts";
import { applyWaivers, parseWaivers, WaiverError } from "../../src/compat/waivers.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const finding = (rule: Finding["rule"], path: string, severity: Finding["severity"] = "breaking", message = `${path} changed`): Finding => ({
  rule,
  path,
  message,
  severity,
  directions: ["output"],
  methods: ["m"],
  experimental: false,
});

describe("waivers", () => {
  it("waive a matching finding (rule, glob path, message substring) and keep its original severity", () => {
    const waivers = parseWaivers(`// c\n{"waivers": [{"rule": "field-removed", "path": "Foo.*", "message": "bar", "reason": "released by mistake"},]}`, "w.jsonc");
    const out = applyWaivers([finding("field-removed", "Foo.bar"), finding("field-removed", "Foo.baz")], waivers, { file: "w.jsonc" });
    expect(out.map((f) => [f.path, f.severity, f.waivedSeverity, f.waiver?.reason])).toEqual([
      ["Foo.baz", "breaking", undefined, undefined],
      ["Foo.bar", "waived", "breaking", "released by mistake"],
    ]);
  });
  it("a waiver that matches nothing is itself a breaking finding", () => {
    const out = applyWaivers([], [{ rule: "field-removed", path: "Gone.x", reason: "r" }], { file: "w.jsonc" });
    expect(out).toEqual([expect.objectContaining({ rule: "waiver-unused", severity: "breaking", path: "w.jsonc[0]" })]);
  });
  it("a waiver needs a reason and a known rule", () => {
    expect(() => parseWaivers(`[{"rule": "field-removed", "path": "X", "reason": " "}]`, "w.jsonc")).toThrow(WaiverError);
    expect(() => parseWaivers(`[{"rule": "no-such-rule", "path": "X", "reason": "r"}]`, "w.jsonc")).toThrow(/rule/);
  });
  it("strict mode fails every unwaived difference", () => {
    const out = applyWaivers([finding("field-added-optional", "A.b", "info")], [], { file: "-", strict: true });
    expect(out).toEqual([expect.objectContaining({ severity: "breaking", strict: true })]);
  });
  it("the committed waiver files parse", () => {
    for (const name of ["waivers.jsonc", "upstream-waivers.jsonc"]) {
      const file = join(REPO, "schema", "baseline", name);
      expect(() => parseWaivers(readFileSync(file, "utf8"), file)).not.toThrow();
    }
  });
});
