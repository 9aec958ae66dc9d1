// GitHub Actions output: `--reporter github` annotates the failing fixture's file at the
// failing step, and `--reporter markdown --out "$GITHUB_STEP_SUMMARY"` appends to the step
// summary instead of replacing what earlier commands of the step wrote there.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { appendsTo, stepLine } from "../../src/reporters/github.ts";

const ROOT = packageRoot();
const CLI = join(ROOT, "dist", "conformance", "src", "cli", "main.js");
const SERVER = join(ROOT, "dist", "reference-server", "src", "main.cjs");
// The CLI test runs the built JavaScript with Node (under Deno, process.execPath is Deno).
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;
const built = existsSync(CLI) && existsSync(SERVER) && !isDeno;
const work = mkdtempSync(join(tmpdir(), "github-reporter-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("stepLine", () => {
  const text = '{\n  "id": "x",\n  "steps": [\n    {"step": "send"},\n    {"step": "expectResponse",\n     "name": "answer"}\n  ]\n}\n';
  it("finds a step by index or name, else the id", () => {
    expect(stepLine(text, "0")).toBe(4);
    expect(stepLine(text, "1")).toBe(5);
    expect(stepLine(text, "answer")).toBe(5);
    expect(stepLine(text, "handshake")).toBe(2);
    expect(stepLine("not json", "0")).toBe(1);
  });
});

describe("appendsTo", () => {
  it("is true only for the step summary file", () => {
    expect(appendsTo(join(work, "s.md"), { GITHUB_STEP_SUMMARY: join(work, "s.md") })).toBe(true);
    expect(appendsTo(join(work, "other.md"), { GITHUB_STEP_SUMMARY: join(work, "s.md") })).toBe(false);
    expect(appendsTo(join(work, "s.md"), {})).toBe(false);
  });
});

describe.skipIf(!built)("run --reporter github / markdown on GitHub Actions", () => {
  it("annotates the failing fixture at its failing step and appends to the step summary", () => {
    const fixtures = join(work, "fixtures", "handshake");
    mkdirSync(fixtures, { recursive: true });
    cpSync(join(ROOT, "fixtures", "handshake", "handshake.zero-id.jsonc"), join(fixtures, "handshake.zero-id.jsonc"));
    const broken = readFileSync(join(fixtures, "handshake.zero-id.jsonc"), "utf8")
      .replace('"id": "handshake.zero-id"', '"id": "handshake.broken"')
      .replace('"$type": "string"', '"$type": "number"')
      .replace('"$schema": "../fixture.schema.json",', "");
    writeFileSync(join(fixtures, "handshake.broken.jsonc"), broken);
    const brokenLine = broken.split("\n").findIndex((l) => l.includes('"step": "expectResponse"')) + 1;
    const descriptor = join(work, "server.jsonc");
    writeFileSync(descriptor, JSON.stringify({ name: "reference", command: ["${node}", SERVER] }));
    const summary = join(work, "summary.md");
    writeFileSync(summary, "## earlier step output\n");
    const r = spawnSync(
      process.execPath,
      [CLI, "run", "--implementation", descriptor, "--fixtures", "fixtures", "--no-properties", "--reporter", "github", "--reporter", "markdown", "--out", summary],
      { cwd: work, encoding: "utf8", env: { ...process.env, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: work }, timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(1);
    const annotations = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    expect(annotations).toHaveLength(1);
    expect(annotations[0]).toMatch(
      new RegExp(`^::error file=fixtures/handshake/handshake\\.broken\\.jsonc,line=${brokenLine},title=handshake\\.broken \\(required\\)%3A fail::.+`),
    );
    expect(r.stdout).toMatch(/^conformance: 1 passed, 1 failed$/m);
    const md = readFileSync(summary, "utf8");
    expect(md.startsWith("## earlier step output\n# Conformance: reference")).toBe(true);
    expect(md).toContain("handshake.broken");
  }, 90_000);
});
