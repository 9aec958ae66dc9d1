// The `schema` command: exit codes, output formats, git refs and the baseline workflow.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSchemaCommand, schemaCheck, schemaDiff, updateBaseline } from "../../src/compat/command.ts";
import type { Json } from "../../src/compat/model.ts";

const REPO = join(import.meta.dirname, "..", "..", "..");
const BUNDLE = "app_server_conformance.schemas.json";
const scratch = mkdtempSync(join(tmpdir(), "schema-gate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A project folder with schema/json copied from the repository, optionally edited. */
function project(name: string, edit?: (bundle: Json) => void): string {
  const dir = join(scratch, name);
  cpSync(join(REPO, "schema", "json"), join(dir, "schema", "json"), { recursive: true });
  if (edit) {
    const file = join(dir, "schema", "json", "experimental", BUNDLE);
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    edit(doc);
    writeFileSync(file, JSON.stringify(doc, null, 2));
  }
  return dir;
}
const defs = (doc: Json) => doc.definitions as Record<string, Json>;
const dropStdout = (doc: Json) => {
  const r = defs(doc).CommandExecResponse!;
  delete (r.properties as Json).stdout;
  r.required = ["exitCode", "stderr"];
};

async function run(args: string[], cwd = REPO) {
  let out = "";
  let err = "";
  const code = await runSchemaCommand(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd });
  return { code, out, err };
}

const base = project("base");
const broken = project("broken", dropStdout);
const widened = project("widened", (doc) => void ((defs(doc).CommandExecParams!.properties as Json).extra = { type: "string" }));

describe("schema diff", () => {
  it("exit 0 and no differences for identical schemas", async () => {
    const r = await run(["diff", join(base, "schema", "json"), join(base, "schema", "json"), "--no-fixtures"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("no differences");
  });
  it("exit 0 for a compatible change, 1 for a breaking one", async () => {
    expect((await run(["diff", join(base, "schema/json"), join(widened, "schema/json"), "--no-fixtures"])).code).toBe(0);
    const r = await run(["diff", join(base, "schema/json"), join(broken, "schema/json"), "--no-fixtures"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BREAKING\s+field-removed\s+CommandExecResponse.stdout removed/);
    expect(r.out).toContain("old clients read a member that is no longer sent");
  });
  it("accepts variant folders and bundle files, and defaults <new> to the working tree (--schema)", async () => {
    const r = await run(["diff", join(base, "schema/json/experimental", BUNDLE), "--schema", join(broken, "schema/json"), "--no-fixtures"]);
    expect(r.code).toBe(1);
  });
  it("formats: json, markdown, github annotations with file and line", async () => {
    const args = ["diff", join(base, "schema/json"), join(broken, "schema/json"), "--no-fixtures", "--format"];
    const json = JSON.parse((await run([...args, "json"])).out);
    expect(json).toMatchObject({ failed: true, counts: { breaking: 1 }, findings: [{ rule: "field-removed", path: "CommandExecResponse.stdout" }] });
    expect((await run([...args, "markdown"])).out).toContain("| breaking | `field-removed` |");
    const gh = (await run([...args, "github"])).out;
    expect(gh).toMatch(/^::error file=.*app_server_conformance\.schemas\.json,line=\d+,title=schema field-removed::CommandExecResponse\.stdout removed/m);
  });
  it("usage errors exit 2", async () => {
    expect((await run(["diff"])).code).toBe(2);
    expect((await run(["diff", "HEAD", "--format", "yaml"])).code).toBe(2);
    expect((await run(["diff", "no/such/dir-or-ref"])).code).toBe(2);
    expect((await run(["frobnicate"])).code).toBe(2);
    expect((await run(["check", "--baseline", join(scratch, "nothing-here")])).code).toBe(2);
  });
  it("rules lists every rule", async () => {
    const r = await run(["rules"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^enum-value-added\s+info\s+breaking\s+enum value added$/m);
    expect(Object.keys(JSON.parse((await run(["rules", "--format", "json"])).out))).toContain("tristate-changed");
  });
  it("an unparsable waiver file is a usage error", async () => {
    const bad = join(scratch, "bad.jsonc");
    writeFileSync(bad, "{ nope");
    expect((await run(["diff", join(base, "schema/json"), join(base, "schema/json"), "--no-fixtures", "--waivers", bad])).code).toBe(2);
  });
  it("--help exits 0", async () => {
    const r = await run(["diff", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("--upstream <dir>");
  });
  it("reads a git ref with git show", () => {
    let hasSchemaAtHead = true;
    try {
      execFileSync("git", ["cat-file", "-e", `HEAD:schema/json/experimental/${BUNDLE}`], { cwd: REPO, stdio: "ignore" });
    } catch {
      hasSchemaAtHead = false;
    }
    if (!hasSchemaAtHead) return;
    const r = schemaDiff({ old: "HEAD", new: "HEAD", cwd: REPO, fixtures: false });
    expect(r.old).toBe("git:HEAD");
    expect(r.findings).toEqual([]);
  });
});

describe("schema check and baseline update", () => {
  it("update writes the baseline, check passes, then a breaking change fails until waived; stale waivers fail", async () => {
    const dir = project("workflow");
    expect(updateBaseline({ cwd: dir })).toEqual(["schema/baseline/app_server_conformance.schemas.json", "schema/baseline/README.md", "schema/baseline/waivers.jsonc"]);
    expect(schemaCheck({ cwd: dir }).failed).toBe(false);
    const file = join(dir, "schema/json/experimental", BUNDLE);
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    dropStdout(doc);
    writeFileSync(file, JSON.stringify(doc));
    expect((await run(["check"], dir)).code).toBe(1);
    const waivers = join(dir, "schema/baseline/waivers.jsonc");
    writeFileSync(waivers, `{"waivers": [{"rule": "field-removed", "path": "CommandExecResponse.stdout", "reason": "stdout moved to notifications"}]}`);
    const ok = await run(["check", "--format", "github"], dir);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("::notice");
    writeFileSync(waivers, `{"waivers": [{"rule": "field-removed", "path": "CommandExecResponse.stdout", "reason": "r"}, {"rule": "enum-value-added", "path": "X", "reason": "stale"}]}`);
    const stale = await run(["check", "--format", "github"], dir);
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/::error file=schema\/baseline\/waivers\.jsonc,line=1,title=schema waiver-unused::/);
  });
  it("check validates the fixture corpus as evidence", async () => {
    const dir = project("evidence");
    updateBaseline({ cwd: dir });
    writeFileSync(join(dir, "schema/baseline/waivers.jsonc"), `{"waivers": [{"rule": "field-now-required", "path": "CommandExecParams.tty", "reason": "test"}]}`);
    const file = join(dir, "schema/json/experimental", BUNDLE);
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    (defs(doc).CommandExecParams!.required as string[]).push("tty");
    writeFileSync(file, JSON.stringify(doc));
    const fx = join(dir, "fixtures", "exec");
    mkdirSync(fx, { recursive: true });
    writeFileSync(join(fx, "exec.one.jsonc"), `{"id": "exec.one", "title": "t", "spec": "s", "steps": [{"step": "send", "name": "go", "id": 1, "method": "command/exec", "params": {"command": ["true"]}}]}`);
    const r = await run(["check", "--format", "json"], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { findings: Array<{ rule: string; path: string; severity: string }> };
    expect(report.findings.filter((f) => f.severity === "breaking")).toEqual([expect.objectContaining({ rule: "fixture-invalid", path: "fixtures/exec/exec.one.jsonc#go" })]);
  });
});

describe("standalone entry", () => {
  const deno = join(REPO, "node_modules", ".bin", "deno");
  it.skipIf(!existsSync(deno))("cli.ts runs under Deno with --help and usage errors", () => {
    const help = spawnSync(deno, ["run", "-A", "conformance/src/compat/cli.ts", "--help"], { cwd: REPO, encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("baseline");
    const bad = spawnSync(deno, ["run", "-A", "conformance/src/compat/cli.ts", "diff"], { cwd: REPO, encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(readFileSync(join(REPO, "conformance/src/compat/cli.ts"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});
