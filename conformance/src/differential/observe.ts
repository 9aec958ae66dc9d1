// What a client observes of one session, from the transcript the kit's driver kept:
// responses by id, output streams after reassembly, exits, other notifications of this
// surface, and where the session stalled. Normalised (normalise.ts) so it can be compared.
import { isServerNotificationMethod } from "../../../schema/src/index.ts";
import { isRecord } from "../fixture/match.ts";
import type { FixtureResult } from "../runner/run-fixture.ts";
import { normaliseText, normaliseValue, type NormaliseContext } from "./normalise.ts";
import { sentIds, withFinalWaits, type Session } from "./session.ts";

export interface StreamObservation {
  stdout: string;
  stderr: string;
  /** Where capReached: true appeared on each stream: never, on the last delta, or earlier. */
  capReached: { stdout: "none" | "last" | "early"; stderr: "none" | "last" | "early" };
  /** Deltas that came after the process ended (its exec response or process/exited). */
  deltasAfterEnd: number;
}

export interface Observation {
  /** Keyed by the JSON of the request id: the method asked and what came back. */
  responses: Record<string, { method: string; result?: unknown; error?: unknown; none?: true; duplicates?: number }>;
  /** Replies with an id that was never sent (e.g. null for a line that could not be parsed). */
  strayReplies: unknown[];
  /** Output deltas per process ("exec:<processId>" or "proc:<handle>"). */
  streams: Record<string, StreamObservation>;
  /** process/exited params per handle the session waits for (awaitExited). */
  exited: Record<string, unknown>;
  /** Other notifications of this surface, in arrival order. */
  notifications: { method: string; params: unknown }[];
  /** The action the session could not get past (an awaited message that never came). */
  stalledAt?: string;
  /** The server ended by itself before the session was over. */
  serverExit?: { code: number | null; signal: string | null };
}

type Msg = Record<string, unknown>;

export function observe(session: Session, result: FixtureResult, probe: readonly string[]): Observation {
  const ctx: NormaliseContext = { workspace: result.workspace ?? "\0", ...(result.pidDir ? { pidDir: result.pidDir } : {}), probe };
  const ids = sentIds(session);
  const obs: Observation = { responses: {}, strayReplies: [], streams: {}, exited: {}, notifications: [] };
  for (const [key, { method }] of ids) obs.responses[key] = { method, none: true };
  const execIdOf = new Map<string, string>();
  for (const a of session.actions) {
    if (a.do === "send" && a.method === "command/exec" && isRecord(a.params) && typeof a.params.processId === "string") {
      execIdOf.set(a.params.processId, JSON.stringify(a.id));
    }
  }
  const ended = new Set<string>();
  const awaitedExits = new Set(session.actions.flatMap((a) => (a.do === "awaitExited" ? [a.processHandle] : [])));
  const stream = (key: string) => (obs.streams[key] ??= { stdout: "", stderr: "", capReached: { stdout: "none", stderr: "none" }, deltasAfterEnd: 0 });
  const bytes: Record<string, { stdout: Buffer[]; stderr: Buffer[] }> = {};
  for (const entry of result.transcript) {
    if (entry.dir !== "in") continue;
    let m: Msg;
    try {
      const v: unknown = JSON.parse(entry.line);
      if (!isRecord(v)) continue;
      m = v;
    } catch {
      continue;
    }
    if (typeof m.method === "string") {
      if (!isServerNotificationMethod(m.method) || "id" in m) continue;
      const p = isRecord(m.params) ? m.params : {};
      if (m.method === "command/exec/outputDelta" || m.method === "process/outputDelta") {
        const key = typeof p.processId === "string" ? `exec:${p.processId}` : `proc:${String(p.processHandle)}`;
        const s = stream(key);
        const name = p.stream === "stderr" ? "stderr" : "stdout";
        (bytes[key] ??= { stdout: [], stderr: [] })[name].push(Buffer.from(String(p.deltaBase64 ?? ""), "base64"));
        if (s.capReached[name] !== "none") s.capReached[name] = "early";
        if (p.capReached === true) s.capReached[name] = "last";
        if (ended.has(key)) s.deltasAfterEnd++;
      } else if (m.method === "process/exited") {
        const handle = String(p.processHandle);
        // an exit the session never waited for may come before or after the session's end
        if (awaitedExits.has(handle)) obs.exited[handle] = normaliseValue(p, ctx);
        ended.add(`proc:${handle}`);
      } else {
        obs.notifications.push({ method: m.method, params: normaliseValue(m.params, ctx) });
      }
      continue;
    }
    if (!("id" in m)) continue;
    const key = JSON.stringify(m.id);
    const slot = obs.responses[key];
    if (key === JSON.stringify("conformance-init")) continue;
    if (!slot) {
      obs.strayReplies.push(normaliseValue("error" in m ? { id: m.id, error: m.error } : { id: m.id, result: m.result }, ctx));
      continue;
    }
    if (!slot.none) {
      slot.duplicates = (slot.duplicates ?? 0) + 1;
      continue;
    }
    delete slot.none;
    if ("error" in m) slot.error = normaliseValue(m.error, ctx, slot.method);
    else slot.result = normaliseValue(m.result, ctx, slot.method);
    for (const [pid, reqKey] of execIdOf) if (reqKey === key) ended.add(`exec:${pid}`);
  }
  for (const [key, b] of Object.entries(bytes)) {
    const s = stream(key);
    s.stdout = normaliseText(Buffer.concat(b.stdout).toString("utf8"), ctx);
    s.stderr = normaliseText(Buffer.concat(b.stderr).toString("utf8"), ctx);
  }
  if (result.status !== "pass") {
    const actions = withFinalWaits(session);
    const stepFailure = result.failures.find((f) => /^\d+$/.test(f.step));
    if (stepFailure) {
      const a = actions[Number(stepFailure.step)];
      obs.stalledAt = a ? describeAction(a) : `step ${stepFailure.step}`;
    } else if (result.failures.some((f) => f.step === "timeout" || f.step === "harness" || f.step === "handshake")) {
      obs.stalledAt = result.failures.map((f) => f.step).filter((s) => s !== "schema" && s !== "protocol")[0];
    }
  }
  if (result.serverExit) obs.serverExit = { code: result.serverExit.code, signal: result.serverExit.signal };
  return obs;
}

export function describeAction(a: ReturnType<typeof withFinalWaits>[number]): string {
  switch (a.do) {
    case "awaitResponse":
      return `the response to id ${JSON.stringify(a.id)}`;
    case "awaitOutput":
      return `output ${JSON.stringify(a.contains)} of ${a.processId !== undefined ? `processId ${a.processId}` : `processHandle ${a.processHandle}`}`;
    case "awaitExited":
      return `process/exited of ${a.processHandle}`;
    default:
      return a.do;
  }
}
