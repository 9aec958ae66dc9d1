// Runs one fixture against a fresh server process (or a connection to a running server)
// and judges the transcript.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import process from "node:process";
import { isServerNotificationMethod, serverNotifications } from "../../../schema/src/index.ts";
import {
  DEFAULT_FIXTURE_MS,
  DEFAULT_STEP_MS,
  handshakeOf,
  schemaVariantOf,
  stepName,
  type Fixture,
  type Step,
} from "../fixture/format.ts";
import { describePid, killRecorded, livePids, PID_DIR_VAR } from "../probe/leftovers.ts";
import { isRecord, match, type MatchContext, type Mismatch } from "../fixture/match.ts";
import { createValidator, type MessageValidator } from "./schema-check.ts";
import { packageRoot } from "../probe/probe-path.ts";
import type { ExitInfo, TranscriptEntry } from "../transports/server-process.ts";
import { openServer, type LaunchSpec, type ServerConnection, type SocketTarget } from "../transports/index.ts";
import { PhaseClock, type FixtureTimings } from "./timings.ts";
import { expandString, expandValue, type Vars } from "../fixture/vars.ts";

export const KIT_NAME = "app-server-conformance";
export const KIT_VERSION = "0.1.0";
export const HANDSHAKE_ID = "conformance-init";

export interface ServerSpec {
  argv: string[];
  env: Record<string, string>;
  /**
   * Socket mode, launched: start `argv` per fixture (fresh workspace, scrubbed env) with
   * `--listen ws://127.0.0.1:0` / `unix://...` appended and connect to it.
   */
  launch?: LaunchSpec;
  /**
   * Socket mode, ad hoc: connect to this already running server; `argv` and `env` are
   * not used, and the server's cwd/env are its own (see docs/conformance.md).
   */
  connect?: SocketTarget;
}

export interface RunOptions {
  server: ServerSpec;
  probe: string[];
  timeoutMultiplier: number;
  /** Keep the workspace for inspection. */
  keepWorkspace?: boolean;
}

export type FixtureStatus = "pass" | "fail" | "error";

export interface Failure {
  /** Step name (explicit `name` or index), or "handshake", "protocol", "schema", "teardown". */
  step: string;
  message: string;
}

export interface FixtureResult {
  id: string;
  status: FixtureStatus;
  failures: Failure[];
  durationMs: number;
  stepsRun: number;
  transcript: TranscriptEntry[];
  /** What the server said about itself in the initialize result (when the kit did the handshake). */
  serverInfo?: { userAgent?: string; platformFamily?: string; platformOs?: string };
  /** How the server (or connection) ended before the kit's teardown, if it did. */
  serverExit?: ExitInfo;
  /** Where this run's wall time went, phase by phase (docs/performance.md). */
  timings?: FixtureTimings;
  /** The fresh workspace the fixture ran in (removed unless keepWorkspace). */
  workspace?: string;
  /** The directory the probes recorded their pids in (removed). */
  pidDir?: string;
}

interface Inbound {
  seq: number;
  t: number;
  raw: string;
  msg: Record<string, unknown>;
  kind: "response" | "error" | "notification" | "request";
  /** Only messages of this surface take part in expectations. */
  surface: boolean;
  consumed: boolean;
}

class StepFailure extends Error {}

const idKey = (id: unknown) => JSON.stringify(id);

function describe(m: Inbound): string {
  return m.raw.length > 300 ? `${m.raw.slice(0, 300)}…` : m.raw;
}

function formatMismatches(ms: Mismatch[]): string {
  return ms
    .slice(0, 5)
    .map((m) => `${m.path}: ${m.message}`)
    .join("; ");
}

/** Per-fixture session: the server, its inbox and the judged state. */
class Session {
  readonly inbox: Inbound[] = [];
  readonly failures: Failure[] = [];
  readonly labels = new Map<string, number>();
  readonly pending = new Map<string, string>();
  readonly answered = new Set<string>();
  readonly streamCursor = new Map<string, number>();
  private seq = 0;
  private waiters = new Set<() => void>();
  server!: ServerConnection;
  exitInfo: ExitInfo | undefined;
  readonly ctx: MatchContext;
  readonly validator: MessageValidator;
  readonly experimentalConnection: boolean;
  readonly clock = new PhaseClock();

  constructor(
    readonly fixture: Fixture,
    readonly vars: Vars,
    readonly mult: number,
    readonly pidDir: string,
  ) {
    this.ctx = { vars, captures: new Map() };
    this.validator = createValidator(schemaVariantOf(fixture), packageRoot());
    this.experimentalConnection = handshakeOf(fixture) === "experimental";
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  onLine(line: string, t: number): void {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.failures.push({ step: "protocol", message: `a server message (stdout line or text frame) is not JSON: ${line.slice(0, 200)}` });
      return;
    }
    if (!isRecord(value)) {
      this.failures.push({ step: "protocol", message: `a server message (stdout line or text frame) is not a JSON object: ${line.slice(0, 200)}` });
      return;
    }
    const hasId = typeof value.id === "string" || typeof value.id === "number";
    let kind: Inbound["kind"];
    if (typeof value.method === "string") kind = hasId ? "request" : "notification";
    else if (hasId && "result" in value) kind = "response";
    else if (hasId && "error" in value) kind = "error";
    else {
      this.failures.push({ step: "protocol", message: `not a JSON-RPC message: ${line.slice(0, 200)}` });
      return;
    }
    let surface = kind === "response" || kind === "error";
    if (kind === "notification" && isServerNotificationMethod(value.method as string)) surface = true;
    const entry: Inbound = { seq: ++this.seq, t, raw: line, msg: value, kind, surface, consumed: false };
    this.inbox.push(entry);
    this.check(entry);
    this.wake();
  }

  onExit(info: ExitInfo): void {
    this.exitInfo = info;
    this.wake();
  }

  /** Protocol and schema checks applied to every inbound message. */
  private check(m: Inbound): void {
    if ("jsonrpc" in m.msg) this.failures.push({ step: "protocol", message: `server messages carry no jsonrpc member: ${describe(m)}` });
    if (m.kind === "response" || m.kind === "error") {
      const key = idKey(m.msg.id);
      const method = this.pending.get(key);
      if (method === undefined) {
        const why = this.answered.has(key) ? "a second response for" : "a response for unknown request";
        this.failures.push({ step: "protocol", message: `${why} id ${key}: ${describe(m)}` });
        return;
      }
      this.pending.delete(key);
      this.answered.add(key);
      const problems =
        m.kind === "response" ? this.validator.result(method, m.msg.result) : this.validator.error(m.msg.error);
      for (const p of problems) this.failures.push({ step: "schema", message: `${method} ${m.kind} id ${key}: ${p}` });
    } else if (m.kind === "notification" && m.surface) {
      const method = m.msg.method as keyof typeof serverNotifications;
      for (const p of this.validator.serverNotification(method, m.msg.params)) {
        this.failures.push({ step: "schema", message: `${method} notification: ${p}` });
      }
      if (serverNotifications[method].stability === "experimental" && !this.experimentalConnection) {
        this.failures.push({
          step: "protocol",
          message: `experimental notification ${method} sent to a connection without experimentalApi: ${describe(m)}`,
        });
      }
    }
  }

  /** Waits until `probe` returns a value, the deadline passes or the server exits. */
  async waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = probe();
      if (hit !== undefined) return hit;
      if (this.exitInfo) {
        throw new StepFailure(`${what}: the server exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) first`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new StepFailure(`${what}: nothing within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  sendMessage(message: Record<string, unknown>): void {
    this.server.send(JSON.stringify(message));
  }

  stepMs(withinMs: number | undefined): number {
    return Math.round((withinMs ?? DEFAULT_STEP_MS) * this.mult);
  }

  label(name: string | undefined, seq: number): void {
    if (name !== undefined) this.labels.set(name, seq);
  }

  path(p: string): string {
    const expanded = expandString(p, this.vars, this.ctx.captures);
    return isAbsolute(expanded) ? expanded : join(this.vars.workspace, expanded);
  }
}

function tryMatch(ctx: MatchContext, expected: unknown, actual: unknown): Mismatch[] {
  const captures = new Map(ctx.captures);
  const ms = match(expected, actual, { ...ctx, captures });
  if (ms.length === 0) for (const [k, v] of captures) ctx.captures.set(k, v);
  return ms;
}

async function runStep(s: Session, step: Step): Promise<void> {
  switch (step.step) {
    case "send": {
      const params = step.params === undefined ? undefined : expandValue(step.params, s.vars, s.ctx.captures);
      const hasParams = !step.omitParams && step.params !== undefined;
      if (!step.invalid) {
        const problems = s.validator.request(step.method, params, hasParams);
        if (problems.length) throw new StepFailure(`the fixture's own request is invalid: ${problems.join("; ")}`);
      }
      const message: Record<string, unknown> = { id: step.id, method: step.method };
      if (hasParams) message.params = params;
      Object.assign(message, expandValue(step.extra ?? {}, s.vars, s.ctx.captures));
      s.pending.set(idKey(step.id), step.method);
      s.sendMessage(message);
      return;
    }
    case "notify": {
      const params = step.params === undefined ? undefined : expandValue(step.params, s.vars, s.ctx.captures);
      if (!step.invalid) {
        const problems = s.validator.clientNotification(step.method, params);
        if (problems.length) throw new StepFailure(`the fixture's own notification is invalid: ${problems.join("; ")}`);
      }
      s.sendMessage(params === undefined ? { method: step.method } : { method: step.method, params });
      return;
    }
    case "sendRaw": {
      const line = expandString(step.line, s.vars, s.ctx.captures);
      try {
        const v: unknown = JSON.parse(line);
        if (isRecord(v) && typeof v.method === "string" && (typeof v.id === "string" || typeof v.id === "number")) {
          s.pending.set(idKey(v.id), v.method);
        }
      } catch {
        // not JSON: that is the point of most raw lines
      }
      s.server.send(line);
      return;
    }
    case "expectResponse": {
      const key = idKey(step.id);
      const m = await s.waitFor(
        () => s.inbox.find((e) => !e.consumed && (e.kind === "response" || e.kind === "error") && idKey(e.msg.id) === key),
        s.stepMs(step.withinMs),
        `waiting for the response to id ${key}`,
      ).catch((e: unknown) => {
        const loose = s.inbox.find((x) => (x.kind === "response" || x.kind === "error") && String(x.msg.id) === String(step.id) && idKey(x.msg.id) !== key);
        if (loose) throw new StepFailure(`${(e as Error).message} (a response with id ${idKey(loose.msg.id)} came instead: ids must keep their JSON type)`);
        throw e;
      });
      m.consumed = true;
      s.label(step.label, m.seq);
      if (step.error !== undefined) {
        if (m.kind !== "error") throw new StepFailure(`expected an error response matching ${JSON.stringify(step.error)}, got ${describe(m)}`);
        const ms = tryMatch(s.ctx, step.error, m.msg.error);
        if (ms.length) throw new StepFailure(`error response to id ${key} does not match: ${formatMismatches(ms)} (got ${describe(m)})`);
      } else if (step.result !== undefined) {
        if (m.kind !== "response") throw new StepFailure(`expected a success response matching ${JSON.stringify(step.result)}, got ${describe(m)}`);
        const ms = tryMatch(s.ctx, step.result, m.msg.result);
        if (ms.length) throw new StepFailure(`result of id ${key} does not match: ${formatMismatches(ms)} (got ${describe(m)})`);
      }
      return;
    }
    case "expectNotifications": {
      const ms = s.stepMs(step.withinMs);
      const matched: (Inbound | undefined)[] = step.messages.map(() => undefined);
      const attempt = (): true | undefined => {
        let after = 0;
        const taken = new Set<number>(matched.filter((x): x is Inbound => x !== undefined).map((x) => x.seq));
        for (let i = 0; i < step.messages.length; i++) {
          if (matched[i]) {
            after = matched[i]!.seq;
            continue;
          }
          const want = step.messages[i]!;
          const hit = s.inbox.find(
            (e) =>
              !e.consumed &&
              e.kind === "notification" &&
              e.msg.method === want.method &&
              !taken.has(e.seq) &&
              (step.order === "any" || e.seq > after) &&
              (want.params === undefined || tryMatch(s.ctx, want.params, e.msg.params).length === 0),
          );
          if (!hit) {
            if (step.order === "strict") return undefined;
            continue;
          }
          matched[i] = hit;
          taken.add(hit.seq);
          after = hit.seq;
        }
        return matched.every((x) => x !== undefined) ? true : undefined;
      };
      try {
        await s.waitFor(attempt, ms, "waiting for notifications");
      } catch (e) {
        const missing = step.messages
          .map((w, i) => ({ w, i }))
          .filter(({ i }) => !matched[i])
          .map(({ w }) => {
            const near = s.inbox.filter((x) => x.kind === "notification" && x.msg.method === w.method && !x.consumed);
            const why = near.length
              ? ` (closest: ${formatMismatches(match(w.params ?? {}, near[near.length - 1]!.msg.params, { ...s.ctx, captures: new Map(s.ctx.captures) }))})`
              : " (none of that method arrived)";
            return `${w.method} ${JSON.stringify(w.params ?? {})}${why}`;
          });
        throw new StepFailure(`${(e as Error).message}; missing: ${missing.join(" | ")}`);
      }
      matched.forEach((m, i) => {
        m!.consumed = true;
        s.label(step.messages[i]!.label, m!.seq);
      });
      return;
    }
    case "expectStream":
      return expectStream(s, step);
    case "expectSilence": {
      const start = s.inbox.length;
      await s.clock.time("quiet", () => new Promise((r) => setTimeout(r, Math.round(step.ms * s.mult))));
      const noisy = s.inbox.slice(start).filter((e) => e.surface);
      if (noisy.length) throw new StepFailure(`expected silence for ${step.ms} ms, got ${noisy.map(describe).join(" | ")}`);
      return;
    }
    case "expectOrder": {
      const seqs = step.labels.map((l) => {
        const seq = s.labels.get(l);
        if (seq === undefined) throw new StepFailure(`no message was labelled ${JSON.stringify(l)}`);
        return seq;
      });
      for (let i = 1; i < seqs.length; i++) {
        if (seqs[i]! <= seqs[i - 1]!) {
          throw new StepFailure(`expected ${step.labels[i - 1]} before ${step.labels[i]}, but they arrived in the other order`);
        }
      }
      return;
    }
    case "closeStdin":
      s.server.closeStdin();
      return;
    case "expectExit": {
      const info = await s.server.waitExit(s.stepMs(step.withinMs));
      if (!info) throw new StepFailure(`the server did not exit within ${s.stepMs(step.withinMs)} ms`);
      if (step.code !== undefined) {
        const ms = tryMatch(s.ctx, step.code, info.code);
        if (ms.length) throw new StepFailure(`server exit code: ${formatMismatches(ms)} (signal ${info.signal})`);
      }
      return;
    }
    case "expectNoLeftovers": {
      const deadline = Date.now() + s.stepMs(step.withinMs ?? 3000);
      const live = await s.clock.time("leftoverScan", async () => {
        let pids = livePids(s.pidDir);
        while (pids.length && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          pids = livePids(s.pidDir);
        }
        return pids;
      });
      if (live.length) throw new StepFailure(`leftover child processes: ${live.map(describePid).join(", ")}`);
      return;
    }
    case "sleep":
      await s.clock.time("quiet", () => new Promise((r) => setTimeout(r, Math.round(step.ms * s.mult))));
      return;
    case "waitFile": {
      const path = s.path(step.path);
      const deadline = Date.now() + s.stepMs(step.withinMs);
      while (!existsSync(path)) {
        if (Date.now() > deadline) throw new StepFailure(`file ${step.path} did not appear within ${s.stepMs(step.withinMs)} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return;
    }
    case "expectFile": {
      const path = s.path(step.path);
      const exists = existsSync(path);
      if (exists !== step.exists) throw new StepFailure(`file ${step.path} ${exists ? "exists" : "does not exist"}`);
      if (exists && step.content !== undefined) {
        const ms = tryMatch(s.ctx, step.content, readFileSync(path, "utf8"));
        if (ms.length) throw new StepFailure(`file ${step.path}: ${formatMismatches(ms)}`);
      }
      return;
    }
    case "writeFile": {
      const path = s.path(step.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, expandString(step.content, s.vars, s.ctx.captures));
      return;
    }
  }
}

async function expectStream(s: Session, step: Extract<Step, { step: "expectStream" }>): Promise<void> {
  const byHandle = step.processHandle !== undefined;
  const key = byHandle ? step.processHandle! : step.processId;
  if (key === undefined) throw new StepFailure("expectStream needs processId or processHandle");
  const method = byHandle ? "process/outputDelta" : "command/exec/outputDelta";
  const field = byHandle ? "processHandle" : "processId";
  const until = step.until ?? (byHandle ? "exited" : "match");
  const isChunk = (e: Inbound) =>
    !e.consumed &&
    e.kind === "notification" &&
    e.msg.method === method &&
    isRecord(e.msg.params) &&
    e.msg.params[field] === key &&
    e.msg.params.stream === step.stream;
  const bytesOf = (chunks: Inbound[]) =>
    Buffer.concat(chunks.map((c) => Buffer.from(String((c.msg.params as Record<string, unknown>).deltaBase64 ?? ""), "base64")));
  const judge = (chunks: Inbound[]): Mismatch[] => {
    const bytes = bytesOf(chunks);
    const captures = new Map(s.ctx.captures);
    const ctx = { ...s.ctx, captures };
    const out: Mismatch[] = [];
    if (step.text !== undefined) out.push(...match(step.text, bytes.toString("utf8"), ctx, "text"));
    if (step.base64 !== undefined) out.push(...match(step.base64, bytes.toString("base64"), ctx, "base64"));
    if (step.byteLength !== undefined) out.push(...match(step.byteLength, bytes.length, ctx, "byteLength"));
    if (out.length === 0) for (const [k, v] of captures) s.ctx.captures.set(k, v);
    return out;
  };
  const what = `waiting for the ${step.stream} stream of ${field} ${JSON.stringify(key)}`;
  let chunks: Inbound[];
  try {
    if (until === "match") {
      if (step.text === undefined && step.base64 === undefined && step.byteLength === undefined) {
        throw new StepFailure('until "match" needs text, base64 or byteLength');
      }
      chunks = await s.waitFor(() => {
        const cs = s.inbox.filter(isChunk);
        return judge(cs).length === 0 ? cs : undefined;
      }, s.stepMs(step.withinMs), what);
    } else if (until === "capReached") {
      chunks = await s.waitFor(() => {
        const cs = s.inbox.filter(isChunk);
        const idx = cs.findIndex((c) => (c.msg.params as Record<string, unknown>).capReached === true);
        return idx >= 0 ? cs.slice(0, idx + 1) : undefined;
      }, s.stepMs(step.withinMs), what);
    } else {
      const end = await s.waitFor(
        () =>
          until === "exited"
            ? s.inbox.find((e) => e.kind === "notification" && e.msg.method === "process/exited" && isRecord(e.msg.params) && e.msg.params.processHandle === key)
            : s.inbox.find((e) => (e.kind === "response" || e.kind === "error") && idKey(e.msg.id) === idKey(until.response)),
        s.stepMs(step.withinMs),
        what,
      );
      chunks = s.inbox.filter((e) => isChunk(e) && e.seq < end.seq);
      const late = s.inbox.filter((e) => isChunk(e) && e.seq > end.seq);
      if (late.length) {
        throw new StepFailure(`${late.length} ${step.stream} delta(s) arrived after ${until === "exited" ? "process/exited" : "the response"}: ${describe(late[0]!)}`);
      }
    }
  } catch (e) {
    const seen = bytesOf(s.inbox.filter(isChunk)).toString("utf8");
    throw new StepFailure(`${(e as Error).message} (reassembled so far: ${JSON.stringify(seen.length > 300 ? `${seen.slice(0, 300)}…` : seen)})`);
  }
  for (const c of chunks) c.consumed = true;
  const last = chunks[chunks.length - 1];
  if (last) s.label(step.label, last.seq);
  const flags = chunks.map((c) => (c.msg.params as Record<string, unknown>).capReached === true);
  const firstCap = flags.indexOf(true);
  if (firstCap >= 0 && firstCap < flags.length - 1) {
    throw new StepFailure(`a delta with capReached: true was followed by ${flags.length - 1 - firstCap} more delta(s) on ${step.stream}`);
  }
  if (step.capReached === true && (flags.length === 0 || flags[flags.length - 1] !== true)) {
    throw new StepFailure(`expected capReached: true on the final ${step.stream} delta (got ${flags.length} delta(s), flags ${JSON.stringify(flags)})`);
  }
  if (step.capReached === false && firstCap >= 0) throw new StepFailure(`expected no ${step.stream} delta with capReached: true`);
  const ms = judge(chunks);
  if (ms.length) {
    const text = bytesOf(chunks).toString("utf8");
    throw new StepFailure(`${step.stream} stream of ${JSON.stringify(key)}: ${formatMismatches(ms)} (reassembled ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)})`);
  }
}

function writeSetupFiles(workspace: string, files: Record<string, string | { base64: string }>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = resolve(workspace, rel);
    if (!path.startsWith(workspace + sep)) throw new Error(`setup file ${rel} escapes the workspace`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : Buffer.from(content.base64, "base64"));
  }
}

/** The environment every server gets: a scrubbed copy of ours plus the descriptor's. */
export function scrubbedEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "SystemRoot", "COMSPEC", "PATHEXT", "WINDIR", "USERPROFILE"];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...extra };
}

export async function runFixture(fixture: Fixture, opts: RunOptions): Promise<FixtureResult> {
  const started = Date.now();
  const setupStarted = performance.now();
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "asc-ws-")));
  const pidDir = realpathSync(mkdtempSync(join(tmpdir(), "asc-pids-")));
  const vars: Vars = { workspace, probe: opts.probe, extra: { pathSep: sep, node: process.execPath }, env: process.env };
  const mult = opts.timeoutMultiplier;
  const s = new Session(fixture, vars, mult, pidDir);
  const clock = s.clock;
  let stepsRun = 0;
  let harnessError: string | undefined;
  let serverInfo: FixtureResult["serverInfo"];
  let serverExit: ExitInfo | undefined;
  const fixtureMs = Math.round((fixture.timeoutMs ?? DEFAULT_FIXTURE_MS) * mult);
  try {
    if (fixture.setup?.files) writeSetupFiles(workspace, fixture.setup.files);
    const env = scrubbedEnv({
      ...opts.server.env,
      ...Object.fromEntries(Object.entries(fixture.setup?.env ?? {}).map(([k, v]) => [k, expandString(v, vars)])),
      [PID_DIR_VAR]: pidDir,
    });
    const launch = opts.server.launch;
    clock.add("setup", performance.now() - setupStarted);
    const spawnStarted = performance.now();
    s.server = openServer({
      argv: opts.server.argv,
      cwd: workspace,
      env,
      onLine: (line, t) => s.onLine(line, t),
      onExit: (info) => s.onExit(info),
      ...(launch !== undefined ? { launch: { ...launch, startTimeoutMs: launch.startTimeoutMs ?? Math.round(10_000 * mult) } } : {}),
      ...(opts.server.connect !== undefined ? { connect: opts.server.connect } : {}),
    });
    clock.add("spawn", performance.now() - spawnStarted);
    const body = async () => {
      const mode = handshakeOf(fixture);
      const handshakeStarted = performance.now();
      if (mode !== "none") {
        s.pending.set(idKey(HANDSHAKE_ID), "initialize");
        s.sendMessage({
          id: HANDSHAKE_ID,
          method: "initialize",
          params: {
            clientInfo: { name: KIT_NAME, title: null, version: KIT_VERSION },
            capabilities: { experimentalApi: mode === "experimental" },
          },
        });
        try {
          const m = await s.waitFor(
            () => s.inbox.find((e) => !e.consumed && (e.kind === "response" || e.kind === "error") && e.msg.id === HANDSHAKE_ID),
            Math.round(10_000 * mult),
            "waiting for the initialize response",
          );
          m.consumed = true;
          if (m.kind !== "response") throw new StepFailure(`initialize failed: ${describe(m)}`);
          if (isRecord(m.msg.result)) {
            const r = m.msg.result;
            const str = (v: unknown) => (typeof v === "string" ? v : undefined);
            serverInfo = { userAgent: str(r.userAgent), platformFamily: str(r.platformFamily), platformOs: str(r.platformOs) };
          }
        } catch (e) {
          if (e instanceof StepFailure) {
            clock.add("handshake", performance.now() - handshakeStarted);
            s.failures.push({ step: "handshake", message: e.message });
            return;
          }
          throw e;
        }
        s.sendMessage({ method: "initialized" });
        clock.add("handshake", performance.now() - handshakeStarted);
      }
      const stepsStarted = performance.now();
      // Counted on every way out of the loop, failures included.
      const stepsDone = () => clock.add("steps", performance.now() - stepsStarted);
      for (const [i, step] of fixture.steps.entries()) {
        stepsRun = i + 1;
        try {
          await runStep(s, step);
        } catch (e) {
          stepsDone();
          if (!(e instanceof StepFailure)) throw e;
          s.failures.push({ step: stepName(step, i), message: `${step.step}: ${e.message}` });
          return;
        }
      }
      stepsDone();
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => {
      timer = setTimeout(() => r("timeout"), fixtureMs);
    });
    const outcome = await Promise.race([body().then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") s.failures.push({ step: "timeout", message: `the fixture did not finish within ${fixtureMs} ms` });
  } catch (e) {
    harnessError = (e as Error).stack ?? String(e);
  } finally {
    serverExit = s.exitInfo;
    if (s.server) {
      const server = s.server;
      await clock.time("teardown", () => server.stop(Math.round(1500 * mult)));
      if (s.server.spawnError) harnessError ??= `could not start the server: ${s.server.spawnError.message}`;
    }
    const killed = await clock.time("leftoverScan", async () => killRecorded(pidDir));
    if (killed.length) s.server?.note(`killed leftover probe processes ${killed.join(", ")}`);
    await clock.time("cleanup", async () => {
      if (!opts.keepWorkspace) {
        rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
      }
      rmSync(pidDir, { recursive: true, force: true, maxRetries: 3 });
    });
  }
  // A copy: a step still waiting after a fixture timeout may record more failures later.
  const failures = harnessError ? [{ step: "harness", message: harnessError }, ...s.failures] : [...s.failures];
  return {
    id: fixture.id,
    status: harnessError ? "error" : failures.length ? "fail" : "pass",
    failures,
    durationMs: Date.now() - started,
    stepsRun,
    transcript: [...(s.server?.transcript ?? [])],
    ...(serverInfo ? { serverInfo } : {}),
    ...(serverExit ? { serverExit } : {}),
    timings: clock.timings(),
    workspace,
    pidDir,
  };
}
