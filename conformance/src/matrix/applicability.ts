// Which fixtures a release can be judged on: a fixture that uses a method of this surface
// (sends it, or expects it as a notification) that the release's own schema does not
// declare is not applicable to that release, rather than a failure.
import { clientNotifications, clientRequests, serverNotifications } from "../../../schema/src/methods.ts";
import type { Fixture } from "../fixture/format.ts";
import type { Selection } from "../runner/suite.ts";

const SURFACE = new Set<string>([...Object.keys(clientRequests), ...Object.keys(clientNotifications), ...Object.keys(serverNotifications)]);

/** The surface methods a fixture relies on (deliberately unknown methods are not among them). */
export function fixtureMethods(f: Fixture): string[] {
  const used = new Set<string>();
  for (const step of f.steps) {
    if (step.step === "send" || step.step === "notify") used.add(step.method);
    if (step.step === "expectNotifications") for (const m of step.messages) used.add(m.method);
  }
  return [...used].filter((m) => SURFACE.has(m)).sort();
}

/** Moves the selected fixtures that need a method the release lacks to the skipped list. */
export function restrictToMethods(selection: Selection, methods: readonly string[], release: string): Selection {
  const offered = new Set(methods);
  const selected: Selection["selected"] = [];
  const skipped = [...selection.skipped];
  for (const lf of selection.selected) {
    const missing = fixtureMethods(lf.fixture).filter((m) => !offered.has(m));
    if (missing.length) skipped.push({ loaded: lf, reason: `not applicable: ${release} has no ${missing.join(", ")} (from its generate-json-schema)` });
    else selected.push(lf);
  }
  return { selected, skipped, partial: selection.partial };
}
