// Baselines: the expected failures of one implementation. An entry names a fixture (or
// one step of it), a required reason and optionally the expected failure message (a
// substring). A run fails on an unlisted failure and on a listed entry whose fixture now
// passes (stale).
import { z } from "zod";
import type { FixtureResult } from "../runner/run-fixture.ts";

export const BaselineEntry = z
  .object({
    fixture: z.string().min(1).meta({ description: "Fixture id." }),
    step: z.string().optional().meta({ description: "Step name or index (also handshake, protocol, schema, timeout)." }),
    reason: z.string().min(1).meta({ description: "Why this failure is expected (required)." }),
    message: z.string().optional().meta({ description: "A substring the failure message must contain." }),
  })
  .strict();
export type BaselineEntry = z.infer<typeof BaselineEntry>;

export type Verdict =
  | { kind: "pass" }
  | { kind: "fail" }
  | { kind: "xfail"; entry: BaselineEntry }
  /** Listed in the baseline but the fixture passed. */
  | { kind: "stale"; entry: BaselineEntry }
  /** Listed, and it failed, but not the way the entry says. */
  | { kind: "mismatch"; entry: BaselineEntry; detail: string };

export function findEntry(baseline: readonly BaselineEntry[], id: string): BaselineEntry | undefined {
  return baseline.find((e) => e.fixture === id);
}

export function judge(result: FixtureResult, baseline: readonly BaselineEntry[]): Verdict {
  const entry = findEntry(baseline, result.id);
  const failed = result.status !== "pass";
  if (!entry) return failed ? { kind: "fail" } : { kind: "pass" };
  if (!failed) return { kind: "stale", entry };
  const first = result.failures[0]!;
  if (entry.step !== undefined && first.step !== entry.step) {
    return { kind: "mismatch", entry, detail: `expected a failure at step ${entry.step}, got one at step ${first.step}: ${first.message}` };
  }
  if (entry.message !== undefined && !result.failures.some((f) => f.message.includes(entry.message!))) {
    return { kind: "mismatch", entry, detail: `expected a failure containing ${JSON.stringify(entry.message)}, got: ${first.message}` };
  }
  return { kind: "xfail", entry };
}

/** The baseline a full run implies: existing reasons are kept, new failures get a placeholder. */
export function updatedBaseline(results: readonly FixtureResult[], old: readonly BaselineEntry[]): BaselineEntry[] {
  const out: BaselineEntry[] = [];
  for (const r of [...results].sort((a, b) => a.id.localeCompare(b.id))) {
    if (r.status === "pass") continue;
    const prev = findEntry(old, r.id);
    const first = r.failures[0]!;
    out.push({
      fixture: r.id,
      step: first.step,
      reason: prev?.reason ?? "TODO: explain this expected failure (added by --update-baseline)",
      message: truncateMessage(first.message),
    });
  }
  return out;
}

export function truncateMessage(message: string): string {
  // Keep a stable prefix: transcripts and timings would make the entry flaky.
  let line = message.split("\n")[0]!;
  const tmp = line.search(/\/\S*asc-(ws|pids)-/);
  if (tmp > 0) line = line.slice(0, tmp);
  const cut = line.search(/ \(got | \(reassembled |: nothing within|\(closest:/);
  const head = cut > 0 ? line.slice(0, cut) : line;
  const trimmed = head.trim();
  return trimmed.length > 160 ? trimmed.slice(0, 160) : trimmed;
}

export function serializeBaseline(entries: readonly BaselineEntry[], implementation: string): string {
  const lines = [
    `// Expected failures of ${implementation}. Every entry needs a reason.`,
    "// Regenerate with: app-server-conformance run --implementation <descriptor> --update-baseline",
    JSON.stringify(entries, null, 2),
    "",
  ];
  return lines.join("\n");
}
