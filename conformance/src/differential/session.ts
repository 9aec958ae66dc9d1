// A generated client session: what the client sends and where it waits. The same session
// drives both servers (as a fixture with no expectations, so the kit's own driver runs it)
// and, once a divergence is found, becomes a recorded fixture (record/).
import type { FixtureInput, Step } from "../fixture/format.ts";

export type RequestId = string | number;

export type Action =
  /** A request; `params` may be deliberately malformed. */
  | { do: "send"; id: RequestId; method: string; params?: unknown }
  /** A client notification. */
  | { do: "notify"; method: string; params?: unknown }
  /** A raw line (not JSON, or a JSON-RPC message the schema does not describe). */
  | { do: "raw"; line: string }
  /** Wait for the response to `id`. */
  | { do: "awaitResponse"; id: RequestId }
  /** Wait until a process has printed `contains` on stdout (so follow-ups meet a running child). */
  | { do: "awaitOutput"; processId?: string; processHandle?: string; contains: string }
  /** Wait for process/exited of a handle. */
  | { do: "awaitExited"; processHandle: string };

export interface Session {
  /** The area the generator belongs to (the --area names). */
  area: string;
  /** The kit's handshake before the actions; "none" when the session initializes itself. */
  handshake: "stable" | "experimental" | "none";
  actions: Action[];
}

/** Ids of the requests a session sends (including raw lines with an id). */
export function sentIds(session: Session): Map<string, { id: RequestId; method: string }> {
  const out = new Map<string, { id: RequestId; method: string }>();
  for (const a of session.actions) {
    if (a.do === "send") out.set(JSON.stringify(a.id), { id: a.id, method: a.method });
    if (a.do === "raw") {
      try {
        const v = JSON.parse(a.line) as Record<string, unknown>;
        // only ids a fixture can wait for (strings and integers): other ids are answered, if at all, as strays
        if ((typeof v.id === "string" || Number.isSafeInteger(v.id)) && typeof v.method === "string") {
          out.set(JSON.stringify(v.id), { id: v.id as RequestId, method: v.method });
        }
      } catch {
        // not JSON
      }
    }
  }
  return out;
}

/** Every request gets waited for at the end, so both servers are observed to the same point. */
export function withFinalWaits(session: Session): Action[] {
  const waited = new Set(session.actions.filter((a) => a.do === "awaitResponse").map((a) => JSON.stringify((a as { id: RequestId }).id)));
  const tail: Action[] = [];
  for (const [key, { id }] of sentIds(session)) if (!waited.has(key)) tail.push({ do: "awaitResponse", id });
  return [...session.actions, ...tail];
}

/** The step that performs one action with no expectation beyond "it arrives". */
export function drivingStep(a: Action, withinMs: number): Step {
  switch (a.do) {
    case "send":
      return { step: "send", id: a.id, method: a.method, ...(a.params === undefined ? {} : { params: a.params }), invalid: true };
    case "notify":
      return { step: "notify", method: a.method, ...(a.params === undefined ? {} : { params: a.params }), invalid: true };
    case "raw":
      return { step: "sendRaw", line: a.line };
    case "awaitResponse":
      return { step: "expectResponse", id: a.id, withinMs };
    case "awaitOutput":
      return {
        step: "expectStream",
        ...(a.processId !== undefined ? { processId: a.processId } : { processHandle: a.processHandle! }),
        stream: "stdout",
        until: "match",
        text: { $contains: a.contains },
        withinMs,
      };
    case "awaitExited":
      return { step: "expectNotifications", order: "strict", messages: [{ method: "process/exited", params: { processHandle: a.processHandle } }], withinMs };
  }
}

/** The session as a fixture that only drives (the transcript is what gets compared). */
export function drivingFixture(session: Session, withinMs = 8000): FixtureInput {
  const actions = withFinalWaits(session);
  return {
    id: `differential.${session.area}`,
    title: "generated differential session",
    spec: "differential",
    tags: session.handshake === "experimental" ? ["experimental"] : [],
    handshake: session.handshake,
    schema: "experimental",
    timeoutMs: withinMs * (actions.length + 2),
    steps: actions.map((a) => drivingStep(a, withinMs)),
  };
}
