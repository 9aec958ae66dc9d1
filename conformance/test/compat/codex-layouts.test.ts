// The gate on Codex's own schema folders: every layout reader, stability from the stable
// and experimental generations, the method tables, and verdicts on trimmed real release
// pairs (conformance/test/compat/codex-pairs/, see its README).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleError, type Json, type SchemaBundle } from "../../src/compat/model.ts";
import { runSchemaCommand } from "../../src/compat/command.ts";
import { diffBundles, type Finding } from "../../src/compat/diff.ts";
import { readCodexGeneration } from "../../src/compat/layouts/generation.ts";
import { loadAnySide } from "../../src/compat/layouts/load.ts";
import { resultCandidates } from "../../src/compat/layouts/methods.ts";
import { bundleWith, obj } from "./support.ts";

const PAIRS = join(import.meta.dirname, "codex-pairs");
const scratch = mkdtempSync(join(tmpdir(), "schema-gate-codex-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const side = (pair: string, version: string) => join(PAIRS, pair, version);
const load = (pair: string, version: string) => loadAnySide({ spec: side(pair, version), cwd: PAIRS });
const find = (fs: Finding[], rule: string, path: string) => fs.filter((f) => f.rule === rule && f.path === path);

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await runSchemaCommand(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: PAIRS });
  return { code, out, err };
}

const A = "0.169.1_0.171.0";

describe("layouts", () => {
  it("reads the main bundle with v2 types nested and refs flattened", () => {
    const g = readCodexGeneration(join(side(A, "0.171.0"), "stable"));
    expect(g.layout).toBe("codex-bundle");
    expect(g.definitions.CommandExecParams).toBeDefined();
    expect(JSON.stringify(g.definitions)).not.toContain("#/definitions/v2/");
  });

  it("reads per-type files alone (no bundle) into the same definitions and methods", () => {
    const dir = join(scratch, "per-type");
    cpSync(join(side(A, "0.171.0"), "experimental"), dir, { recursive: true });
    unlinkSync(join(dir, "codex_app_server_protocol.schemas.json"));
    const perType = loadAnySide({ spec: dir, cwd: scratch });
    const bundled = loadAnySide({ spec: join(side(A, "0.171.0"), "experimental"), cwd: scratch });
    expect(perType.notes!.join("\n")).toContain("no bundle; assembled from");
    expect(perType.methods).toEqual(bundled.methods);
    expect(diffBundles(bundled, perType).filter((f) => f.rule !== "result-unpaired")).toEqual([]);
  });

  it("reads a folder holding only the v2 bundle and says what it lacks", () => {
    const dir = join(scratch, "v2-only");
    const main = JSON.parse(readFileSync(join(side(A, "0.171.0"), "experimental", "codex_app_server_protocol.schemas.json"), "utf8")) as Json;
    const defs = main.definitions as Record<string, Json>;
    const { v2, ServerRequest: _sr, ClientNotification: _cn, ...top } = defs;
    const flat = JSON.parse(JSON.stringify({ ...(v2 as Json), ...top }).replaceAll("#/definitions/v2/", "#/definitions/")) as Json;
    cpSync(join(side(A, "0.171.0"), "experimental", "v2"), join(dir, "v2"), { recursive: true });
    writeFileSync(join(dir, "codex_app_server_protocol.v2.schemas.json"), JSON.stringify({ ...main, definitions: flat }));
    const b = loadAnySide({ spec: dir, cwd: scratch });
    expect(b.notes!.join("\n")).toMatch(/only the v2 bundle; it has no ServerRequest/);
    expect(b.methods["command/exec"]?.kind).toBe("clientRequest");
    expect(b.methods["currentTime/read"]).toBeUndefined();
  });

  it("refuses a folder whose per-type file disagrees with its bundle (exit 2, nothing on stdout)", async () => {
    const dir = join(scratch, "disagree");
    cpSync(side(A, "0.171.0"), dir, { recursive: true });
    const file = join(dir, "stable", "v2", "CommandExecParams.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    (doc.properties as Record<string, Json>).tty = { type: "string" };
    writeFileSync(file, JSON.stringify(doc));
    expect(() => loadAnySide({ spec: dir, cwd: scratch })).toThrow(BundleError);
    const r = await run(["diff", side(A, "0.169.1"), dir]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/CommandExecParams\.json: CommandExecParams differs from codex_app_server_protocol\.schemas\.json/);
  });

  it("ignores titles when checking agreement (bundles say v2::FooType, per-type files FooType)", () => {
    const dir = join(scratch, "titles");
    cpSync(join(side(A, "0.171.0"), "stable"), dir, { recursive: true });
    const file = join(dir, "v2", "CommandExecParams.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
    (doc.properties as Record<string, Json>).tty!.title = "v2::SomethingElse";
    writeFileSync(file, JSON.stringify(doc));
    expect(() => readCodexGeneration(dir)).not.toThrow();
  });
});

describe("method tables", () => {
  it("derives all four kinds from the unions, with results paired", () => {
    const b = load(A, "0.169.1");
    expect(b.methods["command/exec"]).toMatchObject({ kind: "clientRequest", params: "CommandExecParams", result: "CommandExecResponse", stability: "stable" });
    expect(b.methods["currentTime/read"]).toMatchObject({ kind: "serverRequest", stability: "experimental" });
    expect(b.methods["thread/realtime/item/started"]).toMatchObject({ kind: "serverNotification" });
    expect(b.methods["process/spawn"]).toMatchObject({ kind: "clientRequest", stability: "experimental" });
  });

  it("says so when a result cannot be paired (never a silent guess)", () => {
    const b = load(A, "0.171.0");
    expect(b.methods["config/batchWrite"]!.result).toBeUndefined();
    expect(b.unpaired!["config/batchWrite"]).toMatch(/no result type found/);
    const f = find(diffBundles(load(A, "0.169.1"), b), "result-unpaired", "config/batchWrite result");
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe("warning");
  });

  it("pairs results by method name only when exactly one candidate exists", () => {
    expect(resultCandidates("account/logout")).toContain("LogoutAccountResponse");
    expect(resultCandidates("account/usage/read")).toContain("GetAccountUsageResponse");
    expect(resultCandidates("config/mcpServer/reload")[0]).toBe("ConfigMcpServerReloadResponse");
  });

  it("judges server requests: params travel server->client, results client->server", () => {
    const old = load(A, "0.169.1");
    const neu = structuredClone(old) as SchemaBundle;
    neu.methods["currentTime/read"]!.stability = "stable";
    old.methods["currentTime/read"]!.stability = "stable";
    const res = neu.methods["currentTime/read"]!.result!;
    const def = neu.definitions[res]!;
    def.required = [...((def.required as string[]) ?? []), "added"];
    def.properties = { ...(def.properties as Json), added: { type: "string" } };
    const f = find(diffBundles(old, neu), "field-added-required", `${res}.added`);
    expect(f[0]).toMatchObject({ severity: "breaking", directions: ["input"] });
  });
});

describe("stability from the stable and experimental generations", () => {
  it("marks experimental-only fields and methods; a folder with stable/ + experimental/ equals --experimental-*", async () => {
    const b = load(A, "0.171.0");
    expect((b.definitions.CommandExecParams!.properties as Record<string, Json>).permissionProfile!["x-experimental"]).toBe(true);
    expect((b.definitions.CommandExecParams!.properties as Record<string, Json>).command!["x-experimental"]).toBeUndefined();
    const both = await run(["diff", side(A, "0.169.1"), side(A, "0.171.0"), "--format", "json"]);
    const flags = await run([
      "diff",
      join(side(A, "0.169.1"), "stable"),
      join(side(A, "0.171.0"), "stable"),
      "--experimental-old",
      join(side(A, "0.169.1"), "experimental"),
      "--experimental-new",
      join(side(A, "0.171.0"), "experimental"),
      "--format",
      "json",
    ]);
    expect(both.code).toBe(1);
    expect(flags.code).toBe(1);
    expect(JSON.parse(flags.out).findings).toEqual(JSON.parse(both.out).findings);
  });

  it("an experimental server request disappearing is info; a stable notification's new variants break old clients", () => {
    const fs = diffBundles(load(A, "0.169.1"), load(A, "0.171.0"));
    expect(find(fs, "method-removed", "currentTime/read")[0]).toMatchObject({ severity: "info", experimental: true });
    const added = fs.filter((f) => f.rule === "variant-added" && f.path === "ThreadRealtimeItem");
    expect(added.map((f) => f.message).sort()).toEqual([
      expect.stringContaining("type=frame"),
      expect.stringContaining("type=sessionEndInputSaved"),
      expect.stringContaining("type=turnInputAccepted"),
    ]);
    for (const f of added) expect(f.severity).toBe("breaking");
  });

  it("reports an experimental method becoming stable as stabilised, and does not fail on it", async () => {
    const r = await run(["diff", side("0.150.0_0.160.0", "0.150.0"), side("0.150.0_0.160.0", "0.160.0"), "--format", "json"]);
    expect(r.code).toBe(0);
    const f = (JSON.parse(r.out) as { findings: Finding[] }).findings.find((x) => x.rule === "promoted" && x.path === "thread/turns/list");
    expect(f).toMatchObject({ severity: "warning", message: "thread/turns/list stabilised (experimental -> stable)" });
  });

  it("a stable method turning experimental, or a stable field vanishing into the experimental generation, breaks", () => {
    const old = load(A, "0.171.0");
    const methodDemoted = structuredClone(old) as SchemaBundle;
    methodDemoted.methods["command/exec"]!.stability = "experimental";
    expect(find(diffBundles(old, methodDemoted), "demoted", "command/exec")[0]!.severity).toBe("breaking");
    const fieldDemoted = structuredClone(old) as SchemaBundle;
    const props = fieldDemoted.definitions.CommandExecParams!.properties as Record<string, Json>;
    props.tty = { ...props.tty!, "x-experimental": true };
    expect(find(diffBundles(old, fieldDemoted), "demoted", "CommandExecParams.tty")[0]!.severity).toBe("breaking");
  });

  it("judges a single generation as all stable, and says so", () => {
    const b = loadAnySide({ spec: join(side(A, "0.171.0"), "experimental"), cwd: PAIRS });
    expect(b.stabilityKnown).toBe(false);
    expect(b.notes!.join("\n")).toMatch(/judged as stable/);
  });
});

describe("verdicts on real release pairs", () => {
  it("0.163.0 -> 0.164.0: properties beside anyOf arms (imageGeneration now fileId | result) break old readers, paired by shape", () => {
    const fs = diffBundles(load("0.163.0_0.164.0", "0.163.0"), load("0.163.0_0.164.0", "0.164.0"));
    // the old shape (result) meets its new twin; the other alternative (fileId only) is what old readers cannot read
    expect(find(fs, "field-removed", "ThreadItem<type=imageGeneration>.result")).toEqual([]);
    const added = fs.filter((f) => f.rule === "variant-added");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ severity: "breaking", directions: ["output"] });
    expect(added[0]!.message).toMatch(/type=imageGeneration#2 added \(another shape under the same tag, requiring .*fileId\)/);
    // no false "may now be an object": the arms keep their tag
    expect(fs.filter((f) => f.rule === "type-widened")).toEqual([]);
  });

  it("0.165.0 -> 0.166.0: an enum value a client may send is removed (review/start delivery)", () => {
    const fs = diffBundles(load("0.165.0_0.166.0", "0.165.0"), load("0.165.0_0.166.0", "0.166.0"));
    expect(find(fs, "enum-value-removed", "ReviewDelivery")[0]).toMatchObject({ severity: "breaking", directions: ["input"], methods: ["review/start"] });
  });
});

describe("false reports found on the real history, fixed", () => {
  it("an enum lifted to a bounded string that still admits every old value only widens (ReasoningEffort, 0.130.0 -> 0.140.0)", () => {
    const old = bundleWith(obj({ effort: { type: "string", enum: ["none", "low", "xhigh"] } }), "both");
    const lifted = bundleWith(obj({ effort: { type: "string", minLength: 1 } }), "both");
    expect(diffBundles(old, lifted).map((f) => f.rule)).toEqual(["range-widened"]);
    const tighter = bundleWith(obj({ effort: { type: "string", minLength: 4 } }), "both");
    const fs = diffBundles(old, tighter);
    expect(fs.map((f) => f.rule).sort()).toEqual(["range-narrowed", "range-widened"]);
    expect(fs.find((f) => f.rule === "range-narrowed")!.message).toContain('no longer accepts "low"');
  });
});

describe("generator forms", () => {
  it("the same types written in other forms (oneOf of described single values vs enum, allOf-wrapped $ref with default, anyOf null, titles, key order) are not a change", () => {
    const dir = join(side("0.150.0_0.160.0", "0.160.0"), "stable");
    const original = readCodexGeneration(dir);
    const rewritten = structuredClone(original.definitions);
    const itemsView = rewritten.TurnItemsView!;
    rewritten.TurnItemsView = { type: "string", enum: (itemsView.oneOf as Json[]).map((a) => (a.enum as string[])[0]!) };
    const turn = rewritten.Turn!.properties as Record<string, Json>;
    turn.itemsView = { $ref: "#/definitions/TurnItemsView", default: "full" };
    const err = rewritten.TurnError!.properties as Record<string, Json>;
    err.additionalDetails = { anyOf: [{ type: "null" }, { type: "string", title: "Details" }], default: null };
    const reordered = JSON.parse(JSON.stringify(rewritten, (_k, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as Record<string, Json>;
    const a = loadAnySide({ spec: dir, cwd: PAIRS });
    const b = { ...a, definitions: reordered };
    expect(diffBundles(a, b)).toEqual([]);
    expect(diffBundles(b, a)).toEqual([]);
  });
});

describe("fixtures stay trimmed", () => {
  it("each real pair is small", () => {
    for (const pair of readdirSync(PAIRS).filter((p) => p.includes("_"))) {
      for (const v of readdirSync(join(PAIRS, pair))) {
        const text = readFileSync(join(PAIRS, pair, v, "experimental", "codex_app_server_protocol.schemas.json"), "utf8");
        expect(text.length, `${pair}/${v}`).toBeLessThan(80_000);
      }
    }
  });
});
