// `schema codex` (release resolution, cached generations, changelog) and `schema lint`.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSchemaCommand } from "../../src/compat/command.ts";
import { resolveReleases, stableVersions } from "../../src/compat/codex-releases.ts";
import { lintNames } from "../../src/compat/lint.ts";
import { loadAnySide } from "../../src/compat/layouts/load.ts";
import type { Changelog } from "../../src/compat/changelog.ts";

const PAIRS = join(import.meta.dirname, "codex-pairs");
const A = join(PAIRS, "0.169.1_0.171.0");
const scratch = mkdtempSync(join(tmpdir(), "schema-gate-codex-cmd-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// A cache as `schema codex` leaves it: <cache>/codex-schemas/<version>/{stable,experimental}.
// 0.171.1 is a copy of 0.171.0 (a pair without changes), so nothing is installed.
const cache = join(scratch, "cache");
cpSync(join(A, "0.169.1"), join(cache, "codex-schemas", "0.169.1"), { recursive: true });
cpSync(join(A, "0.171.0"), join(cache, "codex-schemas", "0.171.0"), { recursive: true });
cpSync(join(A, "0.171.0"), join(cache, "codex-schemas", "0.171.1"), { recursive: true });

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await runSchemaCommand(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: scratch });
  return { code, out, err };
}

describe("release resolution", () => {
  const registry = () => stableVersions(["0.160.0", "0.160.1", "0.161.0-alpha.1", "0.161.0", "0.161.0-linux-x64", "0.162.0", "0.159.0"]);
  it("keeps stable releases only, skipping prereleases and platform-suffixed builds", () => {
    expect(registry()).toEqual(["0.159.0", "0.160.0", "0.160.1", "0.161.0", "0.162.0"]);
  });
  it("a range walks every stable release between its ends", () => {
    expect(resolveReleases(["0.160.0..0.162.0"], registry)).toEqual(["0.160.0", "0.160.1", "0.161.0", "0.162.0"]);
  });
  it("one version means its predecessor and it; several are taken as given", () => {
    expect(resolveReleases(["0.161.0"], registry)).toEqual(["0.160.1", "0.161.0"]);
    expect(resolveReleases(["0.120.0", "0.171.0", "0.130.0"], registry)).toEqual(["0.120.0", "0.171.0", "0.130.0"]);
  });
  it("refuses what is not a release", () => {
    expect(() => resolveReleases(["0.162.0..0.160.0"], registry)).toThrow(/older to a newer/);
    expect(() => resolveReleases(["0.150.0..0.162.0"], registry)).toThrow(/not a published stable release/);
    expect(() => resolveReleases(["latest"], registry)).toThrow(/not a release version/);
  });
});

describe("schema codex", () => {
  it("one pair prints the gate report from the cached generations (exit 1: breaking)", async () => {
    const r = await run(["codex", "0.169.1", "0.171.0", "--cache", cache, "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { old: string; new: string; counts: { breaking: number } };
    expect(report).toMatchObject({ old: "0.169.1", new: "0.171.0" });
    expect(report.counts.breaking).toBe(3);
  });

  it("several releases print a changelog per pair: added, removed, breaking by method (JSON, Markdown, text)", async () => {
    const json = await run(["codex", "0.169.1", "0.171.0", "0.171.1", "--cache", cache, "--format", "json"]);
    expect(json.code).toBe(1);
    const c = JSON.parse(json.out) as Changelog;
    expect(c.releases).toEqual(["0.169.1", "0.171.0", "0.171.1"]);
    const [first, second] = c.pairs;
    expect(first!.removed).toEqual([{ method: "currentTime/read", kind: "serverRequest", experimental: true }]);
    expect(first!.breakingByMethod["thread/realtime/item/started"]!.map((f) => f.rule)).toEqual(["variant-added", "variant-added", "variant-added"]);
    expect(first!.unpaired).toEqual(["config/batchWrite"]);
    expect(second!.counts.breaking).toBe(0);
    const md = await run(["codex", "0.169.1", "0.171.0", "0.171.1", "--cache", cache, "--format", "markdown"]);
    expect(md.out).toContain("| 0.169.1 → 0.171.0 | 3 |");
    expect(md.out).toContain("- **Removed:** `currentTime/read (experimental)`");
    const text = await run(["codex", "0.169.1", "0.171.0", "0.171.1", "--cache", cache]);
    expect(text.out).toMatch(/== 0\.171\.0 -> 0\.171\.1: 0 breaking/);
    expect(text.err).toBe("");
  });

  it("bad versions are usage errors (exit 2, nothing on stdout)", async () => {
    const r = await run(["codex", "latest", "--cache", cache]);
    expect(r).toMatchObject({ code: 2, out: "" });
    expect(r.err).toMatch(/not a release version/);
  });
});

describe("schema lint", () => {
  it("our own contract is camelCase throughout", async () => {
    const r = await run(["lint", join(import.meta.dirname, "..", "..", "..", "schema", "json")]);
    expect(r.code).toBe(0);
  });

  it("finds snake_case members Codex added, only the new ones with --since, and honours waivers", async () => {
    const neu = loadAnySide({ spec: join(A, "0.171.0"), cwd: scratch });
    const old = loadAnySide({ spec: join(A, "0.169.1"), cwd: scratch });
    const fresh = lintNames(neu, { since: old });
    expect(fresh.map((f) => f.path)).toContain("ThreadRealtimeItem<type=turnInputAccepted>.turn_id");
    expect(fresh.every((f) => f.severity === "breaking" && f.message.includes("snake_case"))).toBe(true);
    expect(lintNames(old, { since: old })).toEqual([]);
    const waivers = join(scratch, "lint-waivers.jsonc");
    writeFileSync(waivers, JSON.stringify({ waivers: [{ rule: "member-not-camel-case", path: "ThreadRealtime*", reason: "realtime items mirror the upstream realtime API's field names" }] }));
    const r = await run(["lint", join(A, "0.171.0"), "--since", join(A, "0.169.1"), "--waivers", waivers, "--format", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { counts: { waived: number; breaking: number } };
    expect(report.counts.breaking).toBe(0);
    expect(report.counts.waived).toBeGreaterThan(0);
  });

  it("snake_case method segments are reported; experimental ones as warnings", () => {
    const b = loadAnySide({ spec: join(A, "0.171.0"), cwd: scratch });
    b.methods["thread/start_turn"] = { kind: "clientRequest", stability: "stable" };
    b.methods["thread/decrement_elicitation"] = { kind: "clientRequest", stability: "experimental" };
    const fs = lintNames(b).filter((f) => f.rule === "method-segment-not-camel-case");
    expect(fs.map((f) => [f.path, f.severity])).toEqual([
      ["thread/start_turn", "breaking"],
      ["thread/decrement_elicitation", "warning"],
    ]);
  });
});
