// Recording: a session played against the oracle becomes a fixture of the oracle's
// transcript; the fixture is then linted and run against the oracle as written, so a
// recorded fixture that would not pass is reported, never silently kept as if it did.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import type { Finding } from "../differential/runner.ts";
import { observe } from "../differential/observe.ts";
import { drivingFixture, type Session } from "../differential/session.ts";
import { AREAS } from "../differential/areas.ts";
import { Fixture, type FixtureInput } from "../fixture/format.ts";
import { SetupError, type Implementation } from "../descriptor/implementation.ts";
import { lintFixture } from "../lint/lint.ts";
import { runFixture, type FixtureResult } from "../runner/run-fixture.ts";
import { fixtureFromTranscript } from "./fixture-from-transcript.ts";

export interface RecordOptions {
  dir: string;
  oracle: Implementation;
  probe: string[];
}

export interface Recorded {
  file: string;
  /** Lint problems and the run against the oracle: empty when the fixture is good as written. */
  problems: string[];
}

const RequestId = z.union([z.string(), z.number().int()]);
/** The hand-written request script `record --script` reads (docs/differential.md). */
export const SessionScript = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    area: z.enum(AREAS).default("exec"),
    handshake: z.enum(["stable", "experimental", "none"]).default("experimental"),
    actions: z
      .array(
        z.discriminatedUnion("do", [
          z.object({ do: z.literal("send"), id: RequestId, method: z.string(), params: z.unknown().optional() }).strict(),
          z.object({ do: z.literal("notify"), method: z.string(), params: z.unknown().optional() }).strict(),
          z.object({ do: z.literal("raw"), line: z.string() }).strict(),
          z.object({ do: z.literal("awaitResponse"), id: RequestId }).strict(),
          z.object({ do: z.literal("awaitOutput"), processId: z.string().optional(), processHandle: z.string().optional(), contains: z.string() }).strict(),
          z.object({ do: z.literal("awaitExited"), processHandle: z.string() }).strict(),
        ]),
      )
      .min(1),
  })
  .strict();

function runOptions(impl: Implementation, probe: string[]) {
  return {
    server: { argv: impl.argv, env: impl.env, ...(impl.launch ? { launch: impl.launch } : {}), ...(impl.connect ? { connect: impl.connect } : {}) },
    probe,
    timeoutMultiplier: impl.timeoutMultiplier,
  };
}

/** Lints the fixture and runs it against `impl`: the problems (empty when it passes). */
export async function verifyFixture(fixture: FixtureInput, file: string, impl: Implementation, probe: string[]): Promise<{ problems: string[]; result: FixtureResult }> {
  const parsed = Fixture.parse(fixture);
  const problems = lintFixture(parsed, file).map((p) => `lint: ${p.message}`);
  const result = await runFixture(parsed, runOptions(impl, probe));
  for (const f of result.failures) problems.push(`against ${impl.name}: ${f.step}: ${f.message}`);
  return { problems, result };
}

function writeFixture(dir: string, fixture: FixtureInput): string {
  mkdirSync(dir, { recursive: true });
  const file = join(resolve(dir), `${fixture.id}.jsonc`);
  const { $schema: _s, ...rest } = fixture as FixtureInput & { $schema?: string };
  writeFileSync(file, `${JSON.stringify({ $schema: "../fixture.schema.json", ...rest }, null, 2)}\n`);
  return file;
}

/** Writes one fixture per finding (the shrunk session, the oracle's transcript); verifies each. */
export async function recordFindings(findings: readonly Finding[], opts: RecordOptions): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of findings) {
    const fixture = fixtureFromTranscript({
      session: f.session,
      oracle: f.oracle,
      oracleName: opts.oracle.name,
      description: `Found by \`differential\` (seed ${f.seed}): ${f.signature}. Expectations are what ${opts.oracle.name} answered.`,
    });
    const file = writeFixture(opts.dir, fixture);
    const { problems } = await verifyFixture(fixture, file, opts.oracle, opts.probe);
    out.set(f.signature, problems.length ? `${file} (NOT VERIFIED: ${problems.slice(0, 2).join("; ")})` : file);
  }
  return out;
}

/** `record --script`: plays a hand-written script against the oracle and writes the fixture. */
export async function recordScript(scriptFile: string, opts: RecordOptions): Promise<Recorded> {
  let raw: unknown;
  try {
    raw = parseJsonc(readFileSync(scriptFile, "utf8"), scriptFile);
  } catch (e) {
    throw new SetupError(`${scriptFile}: ${(e as Error).message}`);
  }
  const parsed = SessionScript.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SetupError(`${scriptFile}: ${issue.path.join(".") || "<root>"}: ${issue.message}`);
  }
  const script = parsed.data;
  const session: Session = { area: script.area, handshake: script.handshake, actions: script.actions };
  const result = await runFixture(Fixture.parse(drivingFixture(session)), runOptions(opts.oracle, opts.probe));
  const harness = result.failures.find((f) => f.step === "harness");
  if (harness) throw new SetupError(`could not run ${opts.oracle.name}: ${harness.message}`);
  const fixture = fixtureFromTranscript({
    session,
    oracle: observe(session, result, opts.probe),
    oracleName: opts.oracle.name,
    ...(script.id ? { id: script.id } : {}),
    ...(script.title ? { title: script.title } : {}),
    ...(script.description ? { description: script.description } : {}),
  });
  const file = writeFixture(opts.dir, fixture);
  const { problems } = await verifyFixture(fixture, file, opts.oracle, opts.probe);
  return { file, problems };
}
