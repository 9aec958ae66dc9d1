// CI at scale, as a user runs it: `run --shard i/n` on n "machines" then `merge-reports`
// gives the counts, outcomes and exit status of a single run; `--bail` stops early and
// says so; `--last-failed` reruns what failed (and what the bail left out).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, cliBuilt, NODE, PARTIAL_SERVER } from "../support/cli.ts";
import { FAILS as bad, PASSES as ok, tempCorpus } from "../support/temp-corpus.ts";

const { dir, fx, write } = tempCorpus("asc-split-");
for (let i = 1; i <= 6; i++) write(`t.pass${i}`, ok);
write("t.fail1", bad);
write("t.fail2", bad);
write("t.xfail", bad);
write("t.warn", bad, { obligation: "recommended" });
write("t.tty", ok, { tags: ["tty"] });
write("u.other", bad);
const descriptor = (name: string) => {
  const file = join(fx, "implementations", `${name}.jsonc`);
  writeFileSync(file, JSON.stringify({ name, command: [NODE, PARTIAL_SERVER], features: [], baseline: [{ fixture: "t.xfail", reason: "known" }, { fixture: "t.gone", reason: "removed" }] }));
  return file;
};
const impl = descriptor("partial");
const other = descriptor("other");
const base = ["run", "--implementation", impl, "--fixtures", fx, "--no-properties"];
const json = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & { fixtures: { id: string; outcome: string }[] };
const outcomes = (r: { fixtures: { id: string; outcome: string }[] }) => Object.fromEntries(r.fixtures.map((f) => [f.id, f.outcome]));

describe.skipIf(!cliBuilt)("split runs", { timeout: 180_000 }, () => {
  it("3 shards of a filtered selection, merged, give the single run's counts and exit status", async () => {
    const filter = ["--filter", "t.*"];
    const single = await cli([...base, ...filter, "--reporter", "json", "--out", join(dir, "single.json")]);
    expect(single.code).toBe(1);
    const parts = await Promise.all([1, 2, 3].map((i) => cli([...base, ...filter, "--shard", `${i}/3`, "--reporter", "json", "--out", join(dir, `shard${i}.json`)])));
    const sizes = [1, 2, 3].map((i) => json(join(dir, `shard${i}.json`)).fixtures.length);
    expect(sizes.reduce((a, b) => a + b)).toBe(11);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(parts.map((p) => p.code)).toContain(1);
    const merged = await cli(["merge-reports", ...[1, 2, 3].map((i) => join(dir, `shard${i}.json`)), "--reporter", "json", "--out", join(dir, "merged.json"), "--reporter", "pretty", "--no-color"]);
    expect(merged.code).toBe(single.code);
    const m = json(join(dir, "merged.json"));
    const s = json(join(dir, "single.json"));
    expect(m.counts).toEqual(s.counts);
    expect(m.counts).toMatchObject({ pass: 6, fail: 2, xfail: 1, warn: 1, skip: 1 });
    expect(m.ran).toBe(s.ran);
    expect(outcomes(m)).toEqual(outcomes(s));
    expect(merged.stdout).toMatch(/FAIL partial: 6 passed, 2 failed, 1 warnings, 1 expected failures \(10 fixtures run, 1 not applicable/);
    // The merged JSON report is a run report like any other: it merges again, alone.
    expect((await cli(["merge-reports", join(dir, "merged.json"), "--reporter", "tap"])).code).toBe(1);
  });

  it("a whole corpus split in 2 keeps the stale baseline entries of a single run", async () => {
    const single = await cli([...base, "--reporter", "json", "--out", join(dir, "whole.json")]);
    await Promise.all([1, 2].map((i) => cli([...base, "--shard", `${i}/2`, "--durations", join(dir, "whole.json"), "--reporter", "json", "--out", join(dir, `half${i}.json`)])));
    const merged = await cli(["merge-reports", join(dir, "half1.json"), join(dir, "half2.json"), "--reporter", "json"]);
    expect(merged.code).toBe(single.code);
    const m = JSON.parse(merged.stdout) as { counts: unknown; unknownBaselineEntries: { fixture: string }[] };
    expect(m.counts).toEqual(json(join(dir, "whole.json")).counts);
    expect(m.unknownBaselineEntries.map((e) => e.fixture)).toEqual(["t.gone"]);
  });

  it("refuses what would not add up, with exit 2 and a reason", async () => {
    const s = (i: number) => join(dir, `shard${i}.json`);
    const notReport = join(dir, "not-a-report.json");
    writeFileSync(notReport, JSON.stringify({ hello: "world" }));
    const oldVersion = join(dir, "old-version.json");
    writeFileSync(oldVersion, JSON.stringify({ ...json(s(3)), schemaVersion: 0 }));
    await cli(["run", "--implementation", other, "--fixtures", fx, "--filter", "t.*", "--shard", "3/3", "--reporter", "json", "--out", join(dir, "other3.json")]);
    const cases: [string[], RegExp][] = [
      [[s(1), s(2)], /shard 3\/3 missing/],
      [[s(1), s(2), s(2), s(3)], /shard 2\/3 given twice/],
      [[s(1), s(2), join(dir, "other3.json")], /different implementations: .*"partial".*"other"/],
      [[s(1), s(2), oldVersion], /different schemaVersion/],
      [[s(1), join(dir, "single.json")], /cannot merge a shard with a whole run/],
      [[join(dir, "single.json"), join(dir, "merged.json")], /fixture t\.fail1 is in both/],
      [[notReport], /not-a-report\.json: not a run report/],
      [[join(dir, "missing.json")], /missing\.json: cannot read/],
    ];
    for (const [files, message] of cases) {
      const r = await cli(["merge-reports", ...files]);
      expect(r.stderr, files.join(" ")).toMatch(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
    }
  });

  it("--bail stops after the first failure, says so, and --last-failed reruns the rest", async () => {
    const bailed = await cli([...base, "--filter", "t.*", "--jobs", "1", "--bail", "--reporter", "json", "--out", join(dir, "bailed.json"), "--reporter", "pretty", "--no-color"]);
    expect(bailed.code).toBe(1);
    const b = json(join(dir, "bailed.json")) as ReturnType<typeof json> & { ran: number; stoppedEarly: { maxFailures: number; notRun: string[] } };
    expect(b.stoppedEarly.maxFailures).toBe(1);
    expect(Object.values(outcomes(b)).filter((o) => o === "fail")).toHaveLength(1);
    expect(b.ran + b.stoppedEarly.notRun.length).toBe(10);
    expect(b.stoppedEarly.notRun.length).toBeGreaterThan(0);
    expect(bailed.stdout).toContain(`stopped early after 1 failure (--bail): ${b.stoppedEarly.notRun.length} fixture${b.stoppedEarly.notRun.length === 1 ? "" : "s"} did not run`);

    // Every reporter says so: TAP bails out, GitHub gets a warning annotation.
    const tap = await cli(["merge-reports", join(dir, "bailed.json"), "--reporter", "tap", "--reporter", "github"]);
    expect(tap.stdout).toMatch(/^Bail out! stopped early after 1 failure \(--bail\): \d+ fixtures? did not run$/m);
    expect(tap.stdout).toMatch(/^::warning title=run stopped early::stopped early after 1 failure/m);
    expect(tap.code).toBe(1);

    const rerun = await cli([...base, "--last-failed", join(dir, "bailed.json"), "--reporter", "json", "--out", join(dir, "rerun.json")]);
    const failedBefore = b.fixtures.filter((f) => f.outcome === "fail").map((f) => f.id);
    const r = json(join(dir, "rerun.json"));
    expect(r.fixtures.map((f) => f.id).sort()).toEqual([...failedBefore, ...b.stoppedEarly.notRun].sort());
    expect(rerun.stderr).toMatch(/--last-failed: rerunning \d+ fixtures that failed in/);
    expect(rerun.code).toBe(1);
  });

  it("--last-failed reruns only failures; with none it runs nothing and exits 0", async () => {
    const rerun = await cli([...base, "--last-failed", join(dir, "single.json"), "--reporter", "json"]);
    expect(Object.keys(outcomes(JSON.parse(rerun.stdout))).sort()).toEqual(["t.fail1", "t.fail2"]);
    expect(rerun.code).toBe(1);
    const passing = join(dir, "passing.json");
    await cli([...base, "--filter", "t.pass*", "--reporter", "json", "--out", passing]);
    const none = await cli([...base, "--last-failed", passing]);
    expect(none.stderr).toMatch(/rerunning 0 fixtures/);
    expect(none.code).toBe(0);
    const typo = await cli([...base, "--filter", "t.typo*", "--last-failed", join(dir, "single.json")]);
    expect(typo.stderr).toMatch(/no fixture matches --filter t\.typo\*/);
    expect(typo.code).toBe(2);
    const wrongImpl = await cli(["run", "--implementation", other, "--fixtures", fx, "--last-failed", passing]);
    expect(wrongImpl.stderr).toMatch(/a report on partial, not other/);
    expect(wrongImpl.code).toBe(2);
  });

  it("rejects contradicting options with exit 2", async () => {
    for (const [args, message] of [
      [["--bail", "2", "--max-failures", "3"], /--bail 2 and --max-failures 3 disagree/],
      [["--shard", "4/3"], /<i>\/<n>/],
      [["--durations", join(dir, "nosuch.json")], /nosuch\.json/],
      [["--bail", "0"], /positive integer/],
    ] as const) {
      const r = await cli([...base, ...args]);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    }
  });
});
