// The differential search: generated sessions played against the server and the oracle
// (each in its own fresh workspace and scrubbed environment, by the kit's fixture driver),
// compared after normalisation; a new divergence is shrunk by fast-check to the smallest
// session that still shows it, then its signature is set aside and the search goes on.
import * as fc from "fast-check";
import { Fixture } from "../fixture/format.ts";
import type { Implementation } from "../descriptor/implementation.ts";
import { runFixture, type FixtureResult } from "../runner/run-fixture.ts";
import { compareObservations, knownReason, type Divergence, type KnownDifference } from "./compare.ts";
import { HarnessError, type Area } from "./areas.ts";
import { sessionArbitrary } from "./generators.ts";
export { HarnessError };
import { NORMALISATION_VERSION } from "./normalise.ts";
import { observe, type Observation } from "./observe.ts";
import { openScratch } from "./scratch.ts";
import { drivingFixture, type Session } from "./session.ts";

export interface PlayResult {
  oracle: Observation;
  server: Observation;
  divergences: Divergence[];
  oracleRun: FixtureResult;
  serverRun: FixtureResult;
}

/**
 * Plays one session against both implementations at once and compares what came back;
 * each run's workspace is made in scratchDir (default: the temporary folder; see scratch.ts).
 */
export async function play(session: Session, server: Implementation, oracle: Implementation, probe: string[], scratchDir?: string): Promise<PlayResult> {
  const fixture = Fixture.parse(drivingFixture(session));
  const run = (impl: Implementation) =>
    runFixture(fixture, {
      server: { argv: impl.argv, env: impl.env, ...(impl.launch ? { launch: impl.launch } : {}), ...(impl.connect ? { connect: impl.connect } : {}) },
      probe,
      timeoutMultiplier: impl.timeoutMultiplier,
      ...(scratchDir !== undefined ? { scratchDir } : {}),
    });
  const [oracleRun, serverRun] = await Promise.all([run(oracle), run(server)]);
  for (const r of [oracleRun, serverRun]) {
    const harness = r.failures.find((f) => f.step === "harness");
    if (harness) throw new HarnessError(harness.message);
  }
  const o = observe(session, oracleRun, probe);
  const s = observe(session, serverRun, probe);
  return { oracle: o, server: s, divergences: compareObservations(o, s, requestLookup(session)), oracleRun, serverRun };
}

/** Finds the params of the request an observation path is about. */
function requestLookup(session: Session): (path: string[]) => unknown {
  const byId = new Map<string, unknown>();
  const byStream = new Map<string, unknown>();
  for (const a of session.actions) {
    if (a.do === "raw") {
      try {
        const v = JSON.parse(a.line) as { id?: unknown; params?: unknown };
        if (v && typeof v === "object" && "id" in v) byId.set(JSON.stringify(v.id), v.params ?? null);
      } catch {
        // not JSON: no request to look up
      }
    }
    if (a.do !== "send") continue;
    byId.set(JSON.stringify(a.id), a.params ?? null);
    const p = a.params as Record<string, unknown> | undefined;
    if (a.method === "command/exec" && typeof p?.processId === "string") byStream.set(`exec:${p.processId}`, p);
    if (a.method === "process/spawn" && typeof p?.processHandle === "string") {
      byStream.set(`proc:${p.processHandle}`, p);
      byStream.set(p.processHandle, p);
    }
  }
  return ([section, key]) => (section === "responses" ? byId.get(key!) : section === "streams" || section === "exited" ? byStream.get(key!) : undefined);
}

/**
 * Sessions of one request each (with its waits), tried after fast-check's shrinking: a
 * divergence one request shows alone is reported as that request.
 */
function singleRequests(session: Session): Session[] {
  const out: Session[] = [];
  session.actions.forEach((a, i) => {
    if (a.do !== "send") return;
    const rest = session.actions.slice(i + 1);
    const waits = rest.filter((w) => (w.do === "awaitResponse" && JSON.stringify(w.id) === JSON.stringify(a.id)) || w.do === "awaitOutput" || w.do === "awaitExited");
    out.push({ ...session, actions: [a, ...waits.filter((w) => w.do === "awaitResponse")] });
  });
  return out.length > 1 ? out : [];
}


export interface DifferentialOptions {
  server: Implementation;
  oracle: Implementation;
  probe: string[];
  areas: Area[];
  /** Where sessions come from instead of the areas' generators (tests aim the search with it). */
  sessions?: fc.Arbitrary<Session>;
  seed: number;
  /** Generated sessions in total (default: unlimited within the budget). */
  runs?: number;
  /** Wall-clock budget in ms for the search (shrinking included). */
  budgetMs?: number;
  /** Independent searches run at once. */
  jobs: number;
  known: KnownDifference[];
  /** Time fast-check may spend shrinking one finding (default a quarter of the budget, at most 60 s). */
  shrinkBudgetMs?: number;
  onProgress?: (p: Progress) => void;
  /** Folders to make the workspaces in, first usable wins (default /var/tmp; see scratch.ts). */
  scratchCandidates?: readonly string[];
}

export interface Progress {
  sessions: number;
  findings: number;
  elapsedMs: number;
  budgetMs: number | undefined;
  event?: string;
}

export interface Finding {
  signature: string;
  /** The divergences the shrunk session shows (all signatures, first is the one searched for). */
  divergences: Divergence[];
  session: Session;
  oracle: Observation;
  server: Observation;
  /** The seed of the search that found it (replay with --seed <seed> --runs <runs>). */
  seed: number;
  shrinks: number;
}

export interface DifferentialReport {
  server: string;
  oracle: string;
  seed: number;
  areas: string[];
  normalisationVersion: number;
  sessions: number;
  durationMs: number;
  budgetMs: number | undefined;
  findings: Finding[];
  /** Declared differences seen, with their reason and how often. */
  known: { signature: string; reason: string; count: number }[];
}

export async function runDifferential(opts: DifferentialOptions): Promise<DifferentialReport> {
  const started = Date.now();
  const deadline = opts.budgetMs === undefined ? Infinity : started + opts.budgetMs;
  const arb = opts.sessions ?? sessionArbitrary(opts.areas);
  const findings: Finding[] = [];
  const found = new Set<string>();
  const known = new Map<string, { reason: string; count: number }>();
  let sessions = 0;
  let runsLeft = opts.runs ?? Number.MAX_SAFE_INTEGER;
  let harnessError: Error | undefined;
  const scratch = openScratch(opts.scratchCandidates);
  const progress = (event?: string) =>
    opts.onProgress?.({ sessions, findings: findings.length, elapsedMs: Date.now() - started, budgetMs: opts.budgetMs, ...(event ? { event } : {}) });

  const search = async (seed: number): Promise<boolean> => {
    let target: Set<string> | undefined;
    let last: { session: Session; result: PlayResult; fresh: Divergence[] } | undefined;
    let shrinks = 0;
    let shrinkDeadline = Infinity;
    const shrinkBudget = opts.shrinkBudgetMs ?? Math.min(60_000, (opts.budgetMs ?? 240_000) / 4);
    const prop = fc.asyncProperty(arb, async (session) => {
      // past the shrink budget every candidate "passes": fast-check keeps the smallest failure so far
      if (harnessError || Date.now() > shrinkDeadline) return true;
      sessions++;
      if (target === undefined) runsLeft--;
      if (sessions % 10 === 0) progress();
      let result: PlayResult;
      try {
        result = await play(session, opts.server, opts.oracle, opts.probe, scratch.dir);
      } catch (e) {
        harnessError = e as Error;
        return true;
      }
      const fresh: Divergence[] = [];
      for (const d of result.divergences) {
        const reason = knownReason(d, opts.known);
        if (reason !== undefined) {
          if (target === undefined) {
            const k = known.get(d.signature) ?? { reason, count: 0 };
            k.count++;
            known.set(d.signature, k);
          }
        } else if (!found.has(d.signature)) fresh.push(d);
      }
      const failing = target === undefined ? fresh.length > 0 : fresh.some((d) => target!.has(d.signature));
      if (failing) {
        if (target === undefined) {
          target = new Set([fresh[0]!.signature]);
          shrinkDeadline = Date.now() + shrinkBudget;
          progress(`divergence ${fresh[0]!.signature}; shrinking`);
        } else shrinks++;
        last = { session, result, fresh };
      }
      return !failing;
    });
    const left = deadline - Date.now();
    if (left <= 0 || runsLeft <= 0) return false;
    await fc.check(prop, {
      seed,
      numRuns: Math.min(runsLeft, 1_000_000),
      ...(Number.isFinite(left) ? { interruptAfterTimeLimit: left, markInterruptAsFailure: false } : {}),
      endOnFailure: false,
    });
    if (last && !harnessError) {
      for (const candidate of singleRequests(last.session)) {
        if (Date.now() >= deadline + 60_000) break;
        const r = await play(candidate, opts.server, opts.oracle, opts.probe, scratch.dir).catch(() => undefined);
        sessions++;
        const fresh = r?.divergences.filter((d) => target!.has(d.signature) && knownReason(d, opts.known) === undefined) ?? [];
        if (r && fresh.length) {
          last = { session: candidate, result: r, fresh: r.divergences.filter((d) => knownReason(d, opts.known) === undefined && !found.has(d.signature)) };
          shrinks++;
          break;
        }
      }
      const { session, result, fresh } = last;
      const first = fresh.filter((d) => target!.has(d.signature));
      const rest = fresh.filter((d) => !target!.has(d.signature));
      for (const d of fresh) found.add(d.signature);
      findings.push({ signature: first[0]!.signature, divergences: [...first, ...rest], session, oracle: result.oracle, server: result.server, seed, shrinks });
      progress(`finding ${first[0]!.signature} (${session.actions.length} actions after ${shrinks} shrinks)`);
      return true;
    }
    return false;
  };

  const worker = async (j: number) => {
    for (let round = 0; ; round++) {
      if (harnessError || Date.now() >= deadline || runsLeft <= 0) return;
      const foundOne = await search(opts.seed + j + round * opts.jobs);
      if (!foundOne) return;
    }
  };
  if (scratch.underTmp) progress(`workspaces under the temporary folder (${scratch.dir}): no folder outside it could be used, and a sandbox beside them may skew what they see (docs/differential.md)`);
  try {
    await Promise.all(Array.from({ length: opts.jobs }, (_, j) => worker(j)));
  } finally {
    scratch.remove();
  }
  if (harnessError) throw harnessError;
  return {
    server: opts.server.name,
    oracle: opts.oracle.name,
    seed: opts.seed,
    areas: opts.areas.length ? opts.areas : ["all"],
    normalisationVersion: NORMALISATION_VERSION,
    sessions,
    durationMs: Date.now() - started,
    budgetMs: opts.budgetMs,
    findings,
    known: [...known].map(([signature, k]) => ({ signature, ...k })),
  };
}
