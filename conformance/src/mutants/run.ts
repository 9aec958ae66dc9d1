// Runs the corpus against mutants of one server: each mutation with its likely killers
// first, stopping at the first fixture that fails (the mutant is killed) or when every
// fixture passed; then, unless quick, a survivor faces the property-based tests
// (properties.ts) and the first failing property kills it. A fixture kills only if it
// passes through the proxy with no mutation: that clean run is done when a fixture first
// fails a mutant, and remembered.
import picomatch from "picomatch";
import type { LoadedFixture } from "../fixture/load.ts";
import type { Implementation } from "../descriptor/implementation.ts";
import { runFixture, type FixtureResult } from "../runner/run-fixture.ts";
import { AREAS, type Area, type Mutation } from "./catalogue.ts";
import { PropertyKillers, proxiedImplementation, type PropertiesStep, type PropertyKill } from "./properties.ts";

export interface MutantsOptions {
  implementation: Implementation;
  fixtures: LoadedFixture[];
  mutations: readonly Mutation[];
  /** Mutation id -> why no client can tell it from the original. */
  equivalent: ReadonlyMap<string, string>;
  jobs: number;
  timeoutMultiplier: number;
  probe: string[];
  /** Only each mutation's hinted fixtures (a fast subset for CI). */
  quick: boolean;
  /** The property-based tests' seed for corpus survivors; undefined: no properties (always so when quick). */
  propertiesSeed?: number;
  log(line: string): void;
}

/** What killed a mutant: a fixture (at a step), or a property. */
export type Kill = FixtureKill | PropertyKill;

export interface FixtureKill {
  fixture: string;
  step: string;
  message: string;
}

export type { PropertyKill } from "./properties.ts";

/** "exec.cap.exact" or "property output-cap/exec". */
export function killerName(kill: Kill): string {
  return "fixture" in kill ? kill.fixture : `property ${kill.property}`;
}

export interface MutantResult {
  id: string;
  area: Area;
  description: string;
  status: "killed" | "survived" | "equivalent";
  killedBy?: Kill;
  /** Why it is equivalent. */
  reason?: string;
  fixturesRun: number;
  /** Properties run against it (it survived the corpus). */
  propertiesRun?: number;
  /** Properties that pass on the server but did not apply to the mutant (a skip, not a kill). */
  propertiesSkipped?: number;
  durationMs: number;
}

export interface AreaScore {
  area: Area;
  killed: number;
  survived: number;
  equivalent: number;
  /** killed / (killed + survived), in percent; null when nothing counted. */
  score: number | null;
}

export interface MutantsReport {
  implementation: string;
  startedAt: string;
  durationMs: number;
  quick: boolean;
  /** Fixtures run without a mutation (those that failed a mutant), and which of them failed anyway. */
  clean: { checked: number; failed: { fixture: string; detail: string }[] };
  /** The property step (absent when quick or --no-properties): its seed, and the clean run if one was needed. */
  properties?: PropertiesStep;
  mutants: MutantResult[];
  areas: AreaScore[];
  killed: number;
  survived: number;
  equivalent: number;
  score: number | null;
}

function proxied(o: MutantsOptions, mutation: string, lf: LoadedFixture): Promise<FixtureResult> {
  const p = proxiedImplementation(o.implementation, mutation, o.timeoutMultiplier);
  return runFixture(lf.fixture, { server: { argv: p.argv, env: p.env }, probe: o.probe, timeoutMultiplier: p.timeoutMultiplier });
}

/** Clean runs through the proxy, once per fixture, on demand. */
class CleanRuns {
  private readonly runs = new Map<string, Promise<FixtureResult>>();
  constructor(private readonly o: MutantsOptions) {}
  result(lf: LoadedFixture): Promise<FixtureResult> {
    let r = this.runs.get(lf.fixture.id);
    if (r === undefined) this.runs.set(lf.fixture.id, (r = proxied(this.o, "none", lf)));
    return r;
  }
  async failed(): Promise<{ fixture: string; detail: string }[]> {
    const all = await Promise.all([...this.runs.values()]);
    return all.filter((r) => r.status !== "pass").map((r) => ({ fixture: r.id, detail: r.failures[0]?.message ?? r.status }));
  }
  get checked(): number {
    return this.runs.size;
  }
}

/**
 * Runs fixtures in order with `jobs` workers until one fails that passes clean; returns
 * that failure and how many fixtures ran.
 */
async function untilFirstKill(o: MutantsOptions, clean: CleanRuns, mutation: string, fixtures: LoadedFixture[]): Promise<{ kill?: FixtureKill; run: number }> {
  const queue = [...fixtures];
  let kill: FixtureKill | undefined;
  let run = 0;
  const worker = async () => {
    for (let lf = queue.shift(); lf !== undefined && kill === undefined; lf = queue.shift()) {
      const r = await proxied(o, mutation, lf);
      run++;
      if (r.status === "pass" || kill !== undefined) continue;
      if ((await clean.result(lf)).status !== "pass") continue; // fails anyway: proves nothing
      const f = r.failures[0];
      kill ??= { fixture: lf.fixture.id, step: f?.step ?? "", message: f?.message ?? r.status };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, fixtures.length)) }, worker));
  return kill ? { kill, run } : { run };
}

/** The mutation's hinted fixtures first (in corpus order), then, unless quick, the rest. */
export function killerOrder(mutation: Mutation, fixtures: LoadedFixture[], quick: boolean): LoadedFixture[] {
  const hinted = picomatch(mutation.hints.length ? mutation.hints : ["!**"]);
  const first = fixtures.filter((lf) => hinted(lf.fixture.id));
  return quick ? first : [...first, ...fixtures.filter((lf) => !hinted(lf.fixture.id))];
}

export function scoreOf(mutants: readonly MutantResult[]): Omit<AreaScore, "area"> {
  const killed = mutants.filter((m) => m.status === "killed").length;
  const survived = mutants.filter((m) => m.status === "survived").length;
  const equivalent = mutants.filter((m) => m.status === "equivalent").length;
  return { killed, survived, equivalent, score: killed + survived ? (100 * killed) / (killed + survived) : null };
}

export async function runMutants(o: MutantsOptions): Promise<MutantsReport> {
  const started = Date.now();
  const clean = new CleanRuns(o);
  const seed = o.quick ? undefined : o.propertiesSeed;
  const properties = seed === undefined ? undefined : new PropertyKillers({ ...o, seed });
  // One clean fixture first: a server that cannot start behind the proxy is a setup error.
  const first = await clean.result(o.fixtures[0]!);
  if (first.status === "error") throw new Error(`the server does not run behind the mutating proxy: ${first.failures[0]?.message ?? "error"}`);
  const mutants: MutantResult[] = [];
  for (const [i, m] of o.mutations.entries()) {
    const base = { id: m.id, area: m.area, description: m.description };
    const reason = o.equivalent.get(m.id) ?? m.equivalent;
    if (reason !== undefined) {
      mutants.push({ ...base, status: "equivalent", reason, fixturesRun: 0, durationMs: 0 });
      continue;
    }
    const t0 = Date.now();
    const corpus = await untilFirstKill(o, clean, m.id, killerOrder(m, o.fixtures, o.quick));
    let kill: Kill | undefined = corpus.kill;
    let propertiesRun: number | undefined;
    let propertiesSkipped = 0;
    if (kill === undefined && properties) {
      o.log(`[${i + 1}/${o.mutations.length}] ${m.id}: survived ${corpus.run} fixtures; the properties next`);
      const p = await properties.kill(m.id);
      kill = p.kill;
      propertiesRun = p.run;
      propertiesSkipped = p.skipped;
    }
    const result: MutantResult = {
      ...base,
      status: kill ? "killed" : "survived",
      ...(kill ? { killedBy: kill } : {}),
      fixturesRun: corpus.run,
      ...(propertiesRun !== undefined ? { propertiesRun } : {}),
      ...(propertiesSkipped ? { propertiesSkipped } : {}),
      durationMs: Date.now() - t0,
    };
    mutants.push(result);
    const survived = `SURVIVED ${corpus.run} fixtures${propertiesRun !== undefined ? ` and ${propertiesRun} properties` : ""}`;
    o.log(`[${i + 1}/${o.mutations.length}] ${m.id}: ${kill ? `killed by ${killerName(kill)}` : survived} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const areas = AREAS.map((area) => ({ area, ...scoreOf(mutants.filter((m) => m.area === area)) })).filter((a) => a.killed + a.survived + a.equivalent > 0);
  return {
    implementation: o.implementation.name,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    quick: o.quick,
    clean: { checked: clean.checked, failed: await clean.failed() },
    ...(properties ? { properties: await properties.summary() } : {}),
    mutants,
    areas,
    ...scoreOf(mutants),
  };
}
