// The property-based tests as mutant killers: a mutant that survived the corpus faces the
// properties `run` runs (same budget), through the same mutating proxy, with one seed for
// the whole mutants run. As with fixtures, only a property that passes through the proxy
// with no mutation can kill; that clean run happens once, when the first survivor needs it.
import type { Implementation } from "../descriptor/implementation.ts";
import { kitProgramArgv } from "../probe/probe-path.ts";
import { RUN_DEFAULTS, type PropertiesReport, type PropertyResult } from "../properties/report.ts";
import { MUTATION_VAR, TARGET_VAR } from "./catalogue.ts";

export interface PropertyKill {
  property: string;
  message: string;
}

export interface PropertiesStep {
  seed: number;
  /** The clean run's outcome, once a survivor needed it. */
  clean?: { passed: string[]; failed: { property: string; detail: string }[] };
}

/** The implementation as the kit reaches it through the proxy applying `mutation` ("none": no change). */
export function proxiedImplementation(impl: Implementation, mutation: string, timeoutMultiplier: number): Implementation {
  return {
    ...impl,
    argv: kitProgramArgv("mutants/proxy"),
    env: { ...impl.env, [TARGET_VAR]: JSON.stringify(impl.argv), [MUTATION_VAR]: mutation },
    timeoutMultiplier: timeoutMultiplier * impl.timeoutMultiplier,
  };
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0]!;
/** A property that found a counterexample or could not run: either way, not a pass. */
const failing = (x: PropertyResult) => x.status === "fail" || x.status === "error";
const passingIds = (r: PropertiesReport) => r.results.filter((x) => x.status === "pass").map((x) => x.id);

export class PropertyKillers {
  private clean: Promise<PropertiesReport> | undefined;
  constructor(
    private readonly o: { implementation: Implementation; seed: number; probe: string[]; timeoutMultiplier: number; log(line: string): void },
  ) {}

  private async run(mutation: string, only?: string[]): Promise<PropertiesReport> {
    // fast-check loads only when a mutant survives the corpus.
    const { runProperties } = await import("../properties/run.ts");
    return runProperties({
      implementation: proxiedImplementation(this.o.implementation, mutation, this.o.timeoutMultiplier),
      ...RUN_DEFAULTS,
      // A kill needs the failure, not its smallest form: no shrinking.
      shrinkBudgetMs: 0,
      seed: this.o.seed,
      probe: this.o.probe,
      regressionsDir: null,
      ...(only ? { only, bail: true } : {}),
    });
  }

  private cleanRun(): Promise<PropertiesReport> {
    this.clean ??= this.run("none").then((r) => {
      const failed = r.results.filter(failing);
      this.o.log(`properties without a mutation (seed ${r.seed}): ${passingIds(r).length} pass, ${failed.length} fail${failed.length ? ` (${failed.map((x) => x.id).join(", ")}: cannot kill)` : ""}`);
      return r;
    });
    return this.clean;
  }

  /** The clean run's outcome, if it happened. */
  async summary(): Promise<PropertiesStep> {
    if (this.clean === undefined) return { seed: this.o.seed };
    const r = await this.clean;
    return {
      seed: this.o.seed,
      clean: {
        passed: passingIds(r),
        failed: r.results.filter(failing).map((x) => ({ property: x.id, detail: firstLine(x.message) })),
      },
    };
  }

  /**
   * Runs the properties that pass clean against the mutant until one fails. `skipped`: those
   * that did not apply to the mutant (their applicability check saw a changed server); as in
   * `run`, a skip is not a failure, so it does not kill.
   */
  async kill(mutation: string): Promise<{ kill?: PropertyKill; run: number; skipped: number }> {
    const passing = passingIds(await this.cleanRun());
    if (passing.length === 0) return { run: 0, skipped: 0 };
    const r = await this.run(mutation, passing);
    const failed = r.results.find(failing);
    const skipped = r.results.filter((x) => x.status === "skip").length;
    const run = r.results.length - skipped;
    return failed ? { kill: { property: failed.id, message: firstLine(failed.message) }, run, skipped } : { run, skipped };
  }
}
