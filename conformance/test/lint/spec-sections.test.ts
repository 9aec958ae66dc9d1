// Every rule a fixture or property cites exists in docs/protocol.md, and `lint` says so
// when one does not.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadFixtures } from "../../src/fixture/load.ts";
import { lintCorpus } from "../../src/lint/lint.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import { lintSpecCitations, protocolDocFile, specCitations, specIndex, unknownCitations } from "../../src/lint/spec-sections.ts";

const ROOT = packageRoot();
const scratch = mkdtempSync(join(tmpdir(), "spec-sections-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("citations", () => {
  it("parses sections, items and ranges, and ignores other documents", () => {
    expect(specCitations("codex-app-server-protocol §5.4, §10.1 #18")).toEqual([
      { section: "5.4", items: [], text: "§5.4" },
      { section: "10.1", items: [18], text: "§10.1 #18" },
    ]);
    expect(specCitations("codex-app-server-protocol §6.6, §10.2 #3-5").at(-1)?.items).toEqual([3, 4, 5]);
    expect(specCitations("codex-app-server-protocol §5.7 (sandbox root), §7.2 (protected metadata)").map((c) => c.section)).toEqual(["5.7", "7.2"]);
    expect(specCitations("RFC 8259 §2")).toEqual([]);
  });

  it("indexes headings and numbered items, not fenced code", () => {
    const index = specIndex("## 3. Errors\n\n### 3.1 Objects\n1. one\n2. two\n```\n3. not an item\n```\n## Other\n4. stray\n");
    expect([...index.keys()]).toEqual(["3", "3.1"]);
    expect([...index.get("3.1")!]).toEqual([1, 2]);
    expect(unknownCitations("codex-app-server-protocol §3.1 #2, §3.1 #3, §4", index)).toEqual([
      "cites codex-app-server-protocol §3.1 #3, but section 3.1 of docs/protocol.md has no item 3",
      "cites codex-app-server-protocol §4, but docs/protocol.md has no section 4",
    ]);
  });
});

describe("docs/protocol.md", () => {
  it("has every section and item the corpus cites", () => {
    const { fixtures } = loadFixtures(join(ROOT, "fixtures"));
    expect(fixtures.length).toBeGreaterThan(200);
    expect(lintSpecCitations(fixtures)).toEqual([]);
  });

  it("has every section the property-based tests cite", () => {
    const index = specIndex(readFileSync(protocolDocFile(), "utf8"));
    const dir = join(ROOT, "conformance", "src", "properties", "props");
    const specs = readdirSync(dir).flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/"codex-app-server-protocol [^"]*"/g)].map((m) => m[0]));
    expect(specs.length).toBeGreaterThan(3);
    expect(specs.flatMap((s) => unknownCitations(s, index))).toEqual([]);
  });

  it("lint reports a fixture that cites a missing section or item", () => {
    const dir = join(scratch, "fixtures");
    cpSync(join(ROOT, "fixtures", "handshake"), join(dir, "handshake"), { recursive: true });
    const file = join(dir, "handshake", "handshake.zero-id.jsonc");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/"spec": "[^"]*"/, '"spec": "codex-app-server-protocol §1.2, §42.1, §10.2 #99"'));
    const { problems } = lintCorpus(dir);
    expect(problems.map((p) => p.message)).toEqual([
      "handshake.zero-id: cites codex-app-server-protocol §42.1, but docs/protocol.md has no section 42.1",
      "handshake.zero-id: cites codex-app-server-protocol §10.2 #99, but section 10.2 of docs/protocol.md has no item 99",
    ]);
  });
});
