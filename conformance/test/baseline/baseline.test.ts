// Baseline judging: an expected failure, a stale entry, a mismatch, and --update-baseline's
// entries (reasons kept, placeholders for new failures).
import { describe, expect, it } from "vitest";
import { judge, serializeBaseline, updatedBaseline, type BaselineEntry } from "../../src/baseline/baseline.ts";
import type { FixtureResult } from "../../src/runner/run-fixture.ts";

const result = (id: string, failures: FixtureResult["failures"] = []): FixtureResult => ({
  id,
  status: failures.length ? "fail" : "pass",
  failures,
  durationMs: 1,
  stepsRun: 1,
  transcript: [],
});

describe("baseline judging", () => {
  const entry: BaselineEntry = { fixture: "a", step: "2", reason: "not implemented", message: "no active" };
  it("an unlisted failure fails, an unlisted pass passes", () => {
    expect(judge(result("a", [{ step: "1", message: "x" }]), []).kind).toBe("fail");
    expect(judge(result("a"), []).kind).toBe("pass");
  });
  it("a listed failure is expected", () => {
    expect(judge(result("a", [{ step: "2", message: "error: no active process" }]), [entry]).kind).toBe("xfail");
  });
  it("a listed fixture that passes is stale", () => {
    expect(judge(result("a"), [entry]).kind).toBe("stale");
  });
  it("a listed fixture failing at another step or with another message is a mismatch", () => {
    expect(judge(result("a", [{ step: "3", message: "no active" }]), [entry]).kind).toBe("mismatch");
    expect(judge(result("a", [{ step: "2", message: "other" }]), [entry]).kind).toBe("mismatch");
  });
  it("update keeps existing reasons and adds placeholders for new failures", () => {
    const entries = updatedBaseline(
      [result("a", [{ step: "2", message: "no active (got {...})" }]), result("b", [{ step: "0", message: "boom at /tmp/asc-ws-123/x" }]), result("c")],
      [entry],
    );
    expect(entries).toEqual([
      { fixture: "a", step: "2", reason: "not implemented", message: "no active" },
      { fixture: "b", step: "0", reason: expect.stringContaining("TODO"), message: "boom at" },
    ]);
    expect(serializeBaseline(entries, "x")).toContain('"fixture": "a"');
  });
});
