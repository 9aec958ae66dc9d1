// The order fixtures start in: the longest first, so that a fixture that waits out a 10 s
// default timeout does not start last and hold the whole run up at its end (a run's wall
// time is at least the start of its last long fixture plus that fixture's length). Lengths
// come from a previous JSON run report when given (`run --durations`), else from what a
// fixture says it waits (`sleep` and `expectSilence` steps). Ties keep the selection's
// order. Reports list fixtures by id whatever the start order.
import type { LoadedFixture } from "../fixture/load.ts";

/** Milliseconds the fixture's own steps wait in quiet (a lower bound of its length). */
export function declaredWaitMs(loaded: LoadedFixture): number {
  let ms = 0;
  for (const step of loaded.fixture.steps) if (step.step === "sleep" || step.step === "expectSilence") ms += step.ms;
  return ms;
}

/** The fixtures, longest first (stable). */
export function longestFirst(fixtures: readonly LoadedFixture[], durations?: ReadonlyMap<string, number>): LoadedFixture[] {
  const length = (l: LoadedFixture) => durations?.get(l.fixture.id) ?? declaredWaitMs(l);
  return fixtures
    .map((loaded, index) => ({ loaded, index, ms: length(loaded) }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map((x) => x.loaded);
}
