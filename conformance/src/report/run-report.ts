// The run report (what `run --reporter json` writes) as readers see it: one typed model
// and a tolerant reader. Tolerant both ways: fields added by newer kits (schemaVersion,
// descriptor, property cases, …) pass through untouched, and fields an older report
// lacks get neutral defaults, so the HTML page, merge tools and `--last-failed` can
// share it without pinning one kit version.
import { readFileSync } from "node:fs";
import { z } from "zod";

export const OUTCOMES = ["pass", "fail", "warn", "xfail", "stale", "flaky", "skip", "error"] as const;
export type RunOutcome = (typeof OUTCOMES)[number];

const TranscriptEntry = z.looseObject({
  t: z.number().catch(0),
  dir: z.string(),
  line: z.string().optional(),
  text: z.string().optional(),
});
export type RunTranscriptEntry = z.infer<typeof TranscriptEntry>;

const Failure = z.looseObject({ step: z.coerce.string().catch(""), message: z.coerce.string().catch("") });

const FixtureRun = z.looseObject({
  status: z.string().catch("error"),
  durationMs: z.number().catch(0),
  stepsRun: z.number().catch(0),
  failures: z.array(Failure).catch([]),
  transcript: z.array(TranscriptEntry).optional().catch(undefined),
});
export type RunFixtureRun = z.infer<typeof FixtureRun>;

const BaselineRef = z.looseObject({ fixture: z.string(), reason: z.string().optional(), step: z.string().optional(), message: z.string().optional() });

const FixtureEntry = z.looseObject({
  id: z.string().min(1),
  /** A fixture, or (newer kits) a property-based test reported as a test case. */
  kind: z.string().optional(),
  file: z.string().catch(""),
  title: z.string().catch(""),
  obligation: z.string().catch("required"),
  tags: z.array(z.string()).catch([]),
  features: z.array(z.string()).catch([]),
  spec: z.union([z.string().transform((s) => [s]), z.array(z.string())]).catch([]),
  outcome: z.enum(OUTCOMES).catch("error"),
  detail: z.string().catch(""),
  verdict: z.looseObject({ kind: z.string(), entry: BaselineRef.optional(), detail: z.string().optional() }).nullish().catch(undefined),
  runs: z.array(FixtureRun).catch([]),
  durationMs: z.number().catch(0),
  /** Steps of the fixture, when a report carries them. */
  steps: z.array(z.unknown()).optional(),
});
export type RunFixtureEntry = z.infer<typeof FixtureEntry>;

const Descriptor = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  file: z.string().optional(),
  features: z.array(z.string()).optional(),
  baseline: z
    .union([
      z.array(BaselineRef),
      z.looseObject({ file: z.string().optional(), size: z.number().optional(), entries: z.array(BaselineRef).optional() }),
      z.string(),
    ])
    .optional()
    .catch(undefined),
});
export type RunDescriptor = z.infer<typeof Descriptor>;

const RunReportSchema = z.looseObject({
  schemaVersion: z.union([z.number(), z.string()]).optional(),
  implementation: z.string().catch("unknown"),
  descriptor: Descriptor.optional().catch(undefined),
  server: z.looseObject({ userAgent: z.string().optional(), platformFamily: z.string().optional(), platformOs: z.string().optional() }).nullish().catch(undefined),
  kit: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional().catch(undefined),
  startedAt: z.string().catch(""),
  durationMs: z.number().catch(0),
  options: z.record(z.string(), z.unknown()).optional().catch(undefined),
  fixtures: z.array(FixtureEntry),
  unknownBaselineEntries: z.array(BaselineRef).catch([]),
  counts: z.record(z.string(), z.number()).optional().catch(undefined),
  ok: z.boolean().optional().catch(undefined),
  /** Fixtures run (older reports lack it: then those with runs). */
  ran: z.number().optional().catch(undefined),
  /** `run --shard i/n`: one part of a split run. */
  shard: z.looseObject({ index: z.number().int().min(1), count: z.number().int().min(1) }).optional(),
  /** `run --bail`: the run stopped after this many failures; these fixtures did not run. */
  stoppedEarly: z.looseObject({ maxFailures: z.number(), notRun: z.array(z.string()) }).optional(),
  /** Set by `matrix`: what this run stands for (e.g. a Codex release) and what its schema offers. */
  matrix: z
    .looseObject({
      label: z.string().optional(),
      codexVersion: z.string().optional(),
      methods: z.array(z.string()).optional(),
    })
    .optional()
    .catch(undefined),
});

export type RunReport = z.infer<typeof RunReportSchema> & { counts: Record<RunOutcome, number> };

export class RunReportError extends Error {}

/** Counts by outcome, recomputed from the fixtures (the report's own counts may predate added cases). */
export function countOutcomes(fixtures: readonly { outcome: RunOutcome }[]): Record<RunOutcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<RunOutcome, number>;
  for (const f of fixtures) counts[f.outcome]++;
  return counts;
}

export function parseRunReport(raw: unknown, source: string): RunReport {
  const parsed = RunReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunReportError(`${source}: not a run report (${issue.path.join(".") || "<root>"}: ${issue.message}); write one with \`run --reporter json --out FILE\``);
  }
  return { ...parsed.data, counts: countOutcomes(parsed.data.fixtures) };
}

export function readRunReport(file: string): RunReport {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RunReportError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RunReportError(`${file}: not JSON (${(e as Error).message})`);
  }
  return parseRunReport(raw, file);
}

/** The baseline size and reasons, from the descriptor when the report carries one, else from the verdicts. */
export function baselineOf(r: RunReport): { size: number | undefined; reasons: { fixture: string; reason: string }[] } {
  const b = r.descriptor?.baseline;
  const entries = Array.isArray(b) ? b : typeof b === "object" && b !== null ? b.entries : undefined;
  if (entries) return { size: entries.length, reasons: entries.map((e) => ({ fixture: e.fixture, reason: e.reason ?? "" })) };
  const fromVerdicts = r.fixtures.flatMap((f) => (f.verdict?.entry ? [{ fixture: f.verdict.entry.fixture, reason: f.verdict.entry.reason ?? "" }] : []));
  const size = typeof b === "object" && b !== null && !Array.isArray(b) && typeof b.size === "number" ? b.size : undefined;
  return { size: size ?? (fromVerdicts.length ? fromVerdicts.length + r.unknownBaselineEntries.length : undefined), reasons: [...fromVerdicts, ...r.unknownBaselineEntries.map((e) => ({ fixture: e.fixture, reason: e.reason ?? "" }))] };
}
