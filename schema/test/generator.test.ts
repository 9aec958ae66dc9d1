import { describe, expect, it } from "vitest";
import { checkDrift } from "../generator/check.ts";
import { generateAll, GENERATED_NOTE } from "../generator/files.ts";
import { repoRoot } from "../generator/repo-root.ts";

const root = repoRoot(import.meta.url);
const generated = await generateAll();
const json = (path: string) => JSON.parse(generated.get(path) ?? "null");

describe("schema generator", () => {
  it("committed schema/json and schema/typescript match the zod source (npm run schema:write to fix)", () => {
    const report = checkDrift(root, generated);
    expect(report.ok, report.text).toBe(true);
  });

  it("reports a drifted field with its file and path", () => {
    const tampered = new Map(generated);
    const file = "schema/json/stable/CommandExecParams.json";
    const doc = json(file);
    doc.properties.tty.type = "string";
    delete doc.properties.cwd;
    tampered.set(file, `{"$comment": "x",\n${JSON.stringify(doc, null, 2).slice(2)}\n`);
    const report = checkDrift(root, tampered);
    expect(report.ok).toBe(false);
    expect(report.text).toContain(`${file}: differs from the zod source`);
    expect(report.text).toContain("properties.tty.type");
    expect(report.text).toContain("properties.cwd");
  });

  it("reports files that are missing and files that are stale", () => {
    const tampered = new Map(generated);
    tampered.set("schema/json/stable/Brand new.json", "{}\n");
    tampered.delete("schema/json/stable/RequestId.json");
    const report = checkDrift(root, tampered);
    expect(report.text).toContain("schema/json/stable/Brand new.json: missing");
    expect(report.text).toContain("schema/json/stable/RequestId.json: stale");
  });

  it("is deterministic", async () => {
    const again = await generateAll();
    expect([...again.entries()]).toEqual([...generated.entries()]);
  });

  it("says on the first line of every file that it is generated", () => {
    for (const [file, text] of generated) {
      expect(text.split("\n")[0], file).toContain(GENERATED_NOTE);
    }
  });

  it("stable output drops experimental methods and fields but keeps experimental notifications", () => {
    const methods = (path: string) =>
      (json(path).anyOf ?? json(path).oneOf).map((arm: { properties: { method: { const: string } } }) => arm.properties.method.const);
    expect(methods("schema/json/stable/ClientRequest.json")).not.toContain("process/spawn");
    expect(methods("schema/json/experimental/ClientRequest.json")).toContain("process/spawn");
    expect(methods("schema/json/stable/ServerNotification.json")).toContain("process/exited");
    expect(json("schema/json/stable/CommandExecParams.json").properties).not.toHaveProperty("permissionProfile");
    expect(json("schema/json/experimental/CommandExecParams.json").properties.permissionProfile["x-experimental"]).toBe(true);
    expect(generated.has("schema/json/stable/ProcessSpawnParams.json")).toBe(false);
    expect(generated.has("schema/typescript/stable/ProcessSpawnParams.ts")).toBe(false);
    expect(generated.get("schema/typescript/stable/CommandExecParams.ts")).not.toContain("permissionProfile");
  });

  it("keeps the tri-state fields of process/spawn optional and nullable", () => {
    const spawn = json("schema/json/experimental/ProcessSpawnParams.json");
    expect(spawn.required).toEqual(["command", "processHandle", "cwd"]);
    for (const field of ["outputBytesCap", "timeoutMs"]) {
      expect(spawn.properties[field].anyOf.map((a: { type: string }) => a.type)).toEqual(["integer", "null"]);
    }
  });

  it("bundles every type with a method index", () => {
    const bundle = json("schema/json/experimental/app_server_conformance.schemas.json");
    expect(bundle["x-methods"]["process/spawn"]).toEqual({
      kind: "clientRequest",
      params: "ProcessSpawnParams",
      result: "ProcessSpawnResponse",
      stability: "experimental",
    });
    expect(Object.keys(bundle.definitions)).toContain("ClientRequest");
    expect(Object.keys(bundle.definitions)).toContain("SandboxPolicy");
  });
});
