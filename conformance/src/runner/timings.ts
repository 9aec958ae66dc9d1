// Per-phase timing of a fixture run (`timings` in each run of the JSON report; `run --timings`
// prints them with reporters/timings.ts): where a corpus run's wall time goes. Phases do not
// overlap, except that `quiet` and the leftover polling of `expectNoLeftovers` steps are
// also part of `steps`.
export const PHASES = ["setup", "spawn", "handshake", "steps", "quiet", "leftoverScan", "teardown", "cleanup"] as const;
export type Phase = (typeof PHASES)[number];

/** Milliseconds per phase. */
export type FixtureTimings = Record<`${Phase}Ms`, number>;

export const PHASE_HELP: Record<Phase, string> = {
  setup: "temporary workspace, pid folder and the fixture's setup files",
  spawn: "starting the server process (or opening the connection)",
  handshake: "initialize request to its reply: mostly the server's cold start",
  steps: "the fixture's steps, waits included",
  quiet: "deliberate waits inside steps (sleep, expectSilence)",
  leftoverScan: "looking for and killing leftover probe processes",
  teardown: "stopping the server (stdin closed, then signals)",
  cleanup: "removing the workspace",
};

export class PhaseClock {
  private readonly ms = new Map<Phase, number>();

  add(phase: Phase, ms: number): void {
    this.ms.set(phase, (this.ms.get(phase) ?? 0) + ms);
  }

  async time<T>(phase: Phase, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - start);
    }
  }

  timings(): FixtureTimings {
    return Object.fromEntries(PHASES.map((p) => [`${p}Ms`, Math.round((this.ms.get(p) ?? 0) * 10) / 10])) as FixtureTimings;
  }
}
