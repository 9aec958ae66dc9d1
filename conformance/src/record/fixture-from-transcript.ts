// Turns a session and what the oracle answered into a fixture whose expectations are the
// oracle's transcript: values as observed (after normalisation), ${workspace} and ${probe}
// where those paths appeared, and matchers where a value is implementation-defined.
import { createHash } from "node:crypto";
import type { FixtureInput, Step } from "../fixture/format.ts";
import { isRecord } from "../fixture/match.ts";
import { packageRoot } from "../probe/probe-path.ts";
import { createValidator } from "../runner/schema-check.ts";
import { describeAction, type Observation } from "../differential/observe.ts";
import { expandValue, type Vars } from "../fixture/vars.ts";

/** Variables as a run would expand them, so "invalid" is judged on the params actually sent. */
const LINT_LIKE_VARS: Vars = { workspace: "/workspace", probe: ["/usr/bin/node", "/probe.js"], extra: { pathSep: "/", node: "/usr/bin/node" } };
import { withFinalWaits, type Action, type Session } from "../differential/session.ts";

/** Where each area's behaviour is specified (docs/protocol.md). */
const SPEC_OF_AREA: Record<string, string> = {
  exec: "codex-app-server-protocol §5.7",
  followups: "codex-app-server-protocol §5.4",
  process: "codex-app-server-protocol §6.1",
  initialize: "codex-app-server-protocol §2.1",
  malformed: "codex-app-server-protocol §5.6",
  world: "codex-app-server-protocol §5.8",
};

const PLACEHOLDER = /\$\{workspace\}|\$\{probe\}|<userAgent>|<path>|<pid>|<time>|<tmp>|<pids>/g;
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A string as a matcher: literal, or a regex where a placeholder stands for a volatile part. */
function stringMatcher(s: string): unknown {
  const volatile = s.replace(/\$\{workspace\}/g, "").match(PLACEHOLDER);
  if (!volatile) return s;
  if (/^<(userAgent|path|pid|time|tmp|pids)>$/.test(s)) return { $type: "string" };
  let source = "^";
  let last = 0;
  for (const m of s.matchAll(PLACEHOLDER)) {
    source += escapeRegex(s.slice(last, m.index)) + (m[0] === "${workspace}" ? "${workspace}" : ".*");
    last = m.index! + m[0].length;
  }
  return { $regex: `${source}${escapeRegex(s.slice(last))}$` };
}

/** A normalised value as a matcher (objects exact at the top: extra members count too). */
export function valueMatcher(v: unknown, top = true): unknown {
  if (typeof v === "string") return v === "<pid>" || v === "<time>" ? { $type: "string|integer" } : stringMatcher(v);
  if (Array.isArray(v)) return v.map((x) => valueMatcher(x, false));
  if (isRecord(v)) {
    const inner = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === "<pid>" || x === "<time>" ? { $type: "integer|string" } : valueMatcher(x, false)]));
    // a member whose name starts with "$" would read as an operator: wrap
    return top || Object.keys(inner).some((k) => k.startsWith("$")) ? { $exact: inner } : inner;
  }
  return v;
}

export function recordedFixtureId(session: Session): string {
  const h = createHash("sha256").update(JSON.stringify(session)).digest("hex").slice(0, 8);
  return `differential.${session.area}.${h}`;
}

export interface RecordInput {
  session: Session;
  /** What the oracle showed. */
  oracle: Observation;
  oracleName: string;
  id?: string;
  title?: string;
  description?: string;
}

export function fixtureFromTranscript(input: RecordInput): FixtureInput {
  const { session, oracle } = input;
  const validator = createValidator("experimental", packageRoot());
  let actions: Action[] = withFinalWaits(session);
  // stop where the oracle stalled: the fixture records what the oracle did, not what it did not
  if (oracle.stalledAt !== undefined) {
    const at = actions.findIndex((a) => a.do.startsWith("await") && describeAction(a) === oracle.stalledAt);
    if (at >= 0) actions = actions.slice(0, at);
  }
  const steps: Step[] = [];
  const readyConsumed = new Set<string>();
  const execIdOf = new Map<string, string>();
  for (const a of actions) if (a.do === "send" && a.method === "command/exec" && isRecord(a.params) && typeof a.params.processId === "string") execIdOf.set(JSON.stringify(a.id), a.params.processId);
  const streamSteps = (key: string, until: Step extends never ? never : Extract<Step, { step: "expectStream" }>["until"]): Step[] => {
    const s = oracle.streams[key];
    if (!s) return [];
    const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    return (["stdout", "stderr"] as const).map((stream): Step => {
      let text: unknown = stringMatcher(s[stream]);
      if (stream === "stdout" && readyConsumed.has(key)) {
        const i = s.stdout.indexOf("ready");
        const rest = i >= 0 ? s.stdout.slice(i + 5).replace(/^\r?\n/, "") : s.stdout;
        const m = stringMatcher(rest);
        text = { $regex: `^\\r?\\n?${typeof m === "string" ? `${escapeRegex(m)}$` : String((m as { $regex?: string }).$regex ?? ".*").replace(/^\^/, "")}` };
      }
      return {
        step: "expectStream",
        ...(kind === "exec" ? { processId: name } : { processHandle: name }),
        stream,
        until,
        text,
        capReached: s.capReached[stream] !== "none",
      };
    });
  };
  for (const a of actions) {
    switch (a.do) {
      case "send": {
        const hasParams = a.params !== undefined;
        const invalid = validator.request(a.method, expandValue(a.params, LINT_LIKE_VARS), hasParams).length > 0;
        steps.push({ step: "send", id: a.id, method: a.method, ...(hasParams ? { params: a.params } : {}), ...(invalid ? { invalid: true } : {}) });
        break;
      }
      case "notify": {
        const invalid = validator.clientNotification(a.method, expandValue(a.params, LINT_LIKE_VARS)).length > 0;
        steps.push({ step: "notify", method: a.method, ...(a.params !== undefined ? { params: a.params } : {}), ...(invalid ? { invalid: true } : {}) });
        break;
      }
      case "raw":
        steps.push({ step: "sendRaw", line: a.line });
        break;
      case "awaitResponse": {
        const r = oracle.responses[JSON.stringify(a.id)];
        if (!r || r.none) break;
        steps.push({ step: "expectResponse", id: a.id, ...(r.error !== undefined ? { error: valueMatcher(r.error) } : { result: valueMatcher(r.result) }) });
        const pid = execIdOf.get(JSON.stringify(a.id));
        if (pid !== undefined) steps.push(...streamSteps(`exec:${pid}`, { response: a.id }));
        break;
      }
      case "awaitOutput": {
        const key = a.processId !== undefined ? `exec:${a.processId}` : `proc:${a.processHandle}`;
        const owner = a.processId !== undefined ? { processId: a.processId } : { processHandle: a.processHandle };
        const method = a.processId !== undefined ? "command/exec/outputDelta" : "process/outputDelta";
        steps.push({ step: "expectNotifications", order: "strict", messages: [{ method, params: { ...owner, stream: "stdout", deltaBase64: { $base64: { $contains: a.contains } } } }] });
        readyConsumed.add(key);
        break;
      }
      case "awaitExited": {
        const params = oracle.exited[a.processHandle];
        if (params === undefined) break;
        steps.push({ step: "expectNotifications", order: "strict", messages: [{ method: "process/exited", params: valueMatcher(params) }] });
        steps.push(...streamSteps(`proc:${a.processHandle}`, "exited"));
        break;
      }
    }
  }
  return {
    id: input.id ?? recordedFixtureId(session),
    title: input.title ?? `recorded from ${input.oracleName}: a generated ${session.area} session`,
    ...(input.description ? { description: input.description } : {}),
    spec: SPEC_OF_AREA[session.area] ?? "codex-app-server-protocol §1.2",
    tags: [...(session.handshake === "experimental" ? ["experimental"] : []), "recorded", session.area],
    obligation: "required",
    handshake: session.handshake,
    schema: "experimental",
    steps,
  };
}

