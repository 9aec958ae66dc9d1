// --update-baseline edits the JSONC file: comments and reasons of surviving entries stay,
// only the fixtures of the run are touched (so it works with --filter), the exit status
// agrees with the report it prints, and lint flags the TODO reasons it leaves.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, cliBuilt, NODE, PARTIAL_SERVER } from "../support/cli.ts";
import { FAILS as bad, PASSES as ok, tempCorpus } from "../support/temp-corpus.ts";

const { fx, write } = tempCorpus("asc-baseline-");
write("t.bad", bad);
write("t.fixed", ok);
write("t.other", bad);
write("t.new", bad);
const descriptor = join(fx, "implementations", "impl.jsonc");
writeFileSync(descriptor, JSON.stringify({ name: "partial", command: [NODE, PARTIAL_SERVER], baseline: "impl.baseline.jsonc" }));
const baselineFile = join(fx, "implementations", "impl.baseline.jsonc");
const BASELINE = `// Expected failures of the partial server.
[
  // waitFile is not our business yet
  { "fixture": "t.bad", "reason": "known bug #1", "message": "did not appear" },
  { "fixture": "t.fixed", "reason": "was broken" },
  /* not selected below: must stay exactly as it is */
  { "fixture": "t.other", "reason": "keep me" },
  { "fixture": "t.gone", "reason": "fixture removed long ago" }
]
`;

describe.skipIf(!cliBuilt)("--update-baseline", { timeout: 120_000 }, () => {
  it("with --filter edits only the selected fixtures' entries and keeps comments", async () => {
    writeFileSync(baselineFile, BASELINE);
    const r = await cli(["run", "--implementation", descriptor, "--fixtures", fx, "--filter", "t.bad", "--filter", "t.fixed", "--filter", "t.new", "--update-baseline"]);
    expect(r.stderr).toMatch(/1 added .*, 1 removed, 0 updated, 1 kept, 2 not in this run/);
    // Re-judged against the edited baseline: what it prints and its exit status agree.
    expect(r.stdout).toMatch(/PASS partial: 1 passed, 0 failed, 2 expected failures/);
    expect(r.code).toBe(0);
    const text = readFileSync(baselineFile, "utf8");
    expect(text).toContain("// Expected failures of the partial server.");
    expect(text).toContain("// waitFile is not our business yet");
    expect(text).toContain('{ "fixture": "t.bad", "reason": "known bug #1", "message": "did not appear" }');
    expect(text).toContain('/* not selected below: must stay exactly as it is */\n  { "fixture": "t.other", "reason": "keep me" }');
    expect(text).toContain('"fixture": "t.gone"'); // a partial run cannot know it is gone
    expect(text).not.toContain("t.fixed");
    expect(text).toMatch(/"fixture": "t\.new",\s+"step": "0",\s+"reason": "TODO/);
    const lint = await cli(["lint", "--fixtures", fx]);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/impl\.baseline\.jsonc:\d+:\d+: baseline entry t\.new: the reason is a TODO/);
  });

  it("a full run removes entries of unknown fixtures; a failure it cannot baseline exits 1", async () => {
    writeFileSync(baselineFile, BASELINE);
    // A setup file outside the workspace is a harness error: never an expected failure.
    write("t.escape", ok, { setup: { files: { "../escape.txt": "x" } } });
    const r = await cli(["run", "--implementation", descriptor, "--fixtures", fx, "--update-baseline"]);
    const text = readFileSync(baselineFile, "utf8");
    expect(text).not.toContain("t.gone");
    expect(text).toContain('"reason": "keep me"');
    expect(r.stdout).toMatch(/FAIL partial: .*1 errors/);
    expect(r.code).toBe(1);
    rmSync(join(fx, "t", "t.escape.jsonc"));
  });
});
