// Property 6: lifecycle. Random sequences of spawn / write / resize / kill (terminate) over
// a few handles agree with a state-machine model (fast-check model-based testing): a
// duplicate spawn is refused and leaves the original alone, unknown / not-running /
// exited handles are refused, stdin rules hold; every process gets exactly one final
// message (command/exec response or process/exited) and leaves no process behind.
//
// To keep the model deterministic, processes only end when the kit asks: they run the
// probe's `echo` (until stdin closes) and then either exit ("exit-on-close") or sleep
// ("stay"); kill and the closing write of an exit-on-close process wait for the final message.
import { Buffer } from "node:buffer";
import * as fc from "fast-check";
import type { FixtureInput } from "../../fixture/format.ts";
import type { Reply, RpcClient } from "../client.ts";
import { fail, surfaceApplies, type PropertyDef, type PropertyEnv } from "../harness.ts";
import { describeBytes } from "../model.ts";
import { idField, KILL_METHOD, RESIZE_METHOD, Run, SPAWN_METHOD, WRITE_METHOD, type Surface } from "../run-process.ts";

export const HANDLES = 3;
const INVALID_REQUEST = -32600;

interface Running {
  stdin: boolean;
  stdinOpen: boolean;
  tty: boolean;
  streaming: boolean;
  exitOnClose: boolean;
  written: Buffer[];
}

export interface LifecycleModel {
  handles: (Running | undefined)[];
}

export interface LifecycleReal {
  env: PropertyEnv;
  client: RpcClient;
  surface: Surface;
  prefix: string;
  pidDir: string;
  runs: (Run | undefined)[];
  all: Run[];
}

export interface SpawnOpts {
  stdin: boolean;
  tty: boolean;
  streaming: boolean;
  exitOnClose: boolean;
}

/** A step of the regression fixture, built from the model as the command would run. */
interface FixtureCtx {
  surface: Surface;
  steps: FixtureInput["steps"];
  nextId: number;
  spawnIds: (number | undefined)[];
}

type Cmd = fc.AsyncCommand<LifecycleModel, LifecycleReal> & {
  fixture(m: LifecycleModel, f: FixtureCtx): void;
};

function expectError(r: Reply, what: string, code = INVALID_REQUEST): void {
  if (!r.error) fail(`${what}: expected an error (${code}), got ${JSON.stringify(r.result)}`);
  if (r.error.code !== code) fail(`${what}: expected error code ${code}, got ${JSON.stringify(r.error)}`);
}

function expectEmpty(r: Reply, what: string): void {
  if (r.error) fail(`${what}: expected {}, got error ${JSON.stringify(r.error)}`);
  if (JSON.stringify(r.result) !== "{}") fail(`${what}: expected {}, got ${JSON.stringify(r.result)}`);
}

const handleId = (real: LifecycleReal, h: number) => `${real.prefix}-h${h}`;

function argv(env: PropertyEnv, o: SpawnOpts): string[] {
  if (!o.stdin && !o.tty) return [...env.probe, "sleep", "120000"];
  return o.exitOnClose ? [...env.probe, "echo"] : [...env.probe, "echo", "sleep", "120000"];
}

function fixtureSpawnParams(surface: Surface, h: number, o: SpawnOpts): Record<string, unknown> {
  const command = !o.stdin && !o.tty ? ["${probe}", "sleep", "120000"] : o.exitOnClose ? ["${probe}", "echo"] : ["${probe}", "echo", "sleep", "120000"];
  return {
    command,
    [idField(surface)]: `h${h}`,
    cwd: "${workspace}",
    ...(o.tty ? { tty: true } : {}),
    ...(o.stdin ? { streamStdin: true } : {}),
    ...(o.streaming ? { streamStdoutStderr: true } : {}),
    ...(surface === "exec" ? { sandboxPolicy: { type: "dangerFullAccess" }, timeoutMs: 120000 } : { timeoutMs: 120000 }),
  };
}

/** Waits for the final message of a run and checks what the model knows about it. */
async function finish(real: LifecycleReal, h: number, m: Running, killed: boolean): Promise<void> {
  const run = real.runs[h];
  if (!run) fail(`kit bug: no run for handle ${h}`);
  const o = await run.outcome(15_000).catch((e: Error) => fail(`handle h${h}: ${e.message}`));
  real.runs[h] = undefined;
  if (killed && o.exitCode === 0) fail(`handle h${h}: killed, but the exit code is 0`);
  if (!killed && o.exitCode !== 0) fail(`handle h${h}: exited on stdin EOF with code ${o.exitCode}, expected 0`);
  if (m.streaming && !m.tty) {
    const want = Buffer.concat(m.written);
    const got = o.stdout.streamed;
    const ok = killed ? want.subarray(0, got.length).equals(got) : want.equals(got);
    if (!ok) fail(`handle h${h}: echoed ${describeBytes(got)}, expected ${killed ? "a prefix of " : ""}${describeBytes(want)}`);
  }
}

class SpawnCmd implements Cmd {
  constructor(
    readonly h: number,
    readonly o: SpawnOpts,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: LifecycleModel, real: LifecycleReal): Promise<void> {
    const { surface } = real;
    const id = handleId(real, this.h);
    const existing = m.handles[this.h];
    if (existing) {
      // Duplicate: refused, the original keeps running (checked when it ends).
      const params = { command: [...real.env.probe, "out", "dup"], [idField(surface)]: id, cwd: real.env.workspace, ...(surface === "exec" ? { sandboxPolicy: { type: "dangerFullAccess" } } : {}) };
      const r = await real.client.request(SPAWN_METHOD[surface], params, 10_000).catch((e: Error) => fail(`duplicate spawn of h${this.h}: ${e.message}`));
      expectError(r, `duplicate spawn of active handle h${this.h}`);
      return;
    }
    const run = new Run(real.client, {
      surface,
      argv: argv(real.env, this.o),
      id,
      streaming: this.o.streaming,
      stdin: this.o.stdin,
      cap: { kind: "absent" },
      env: { APP_SERVER_CONFORMANCE_PIDS: real.pidDir },
      cwd: real.env.workspace,
      timeoutMs: 120_000,
      tty: this.o.tty,
    }, 15_000);
    await run.start().catch((e: Error) => fail(`spawn of free handle h${this.h} failed: ${e.message}`));
    real.runs[this.h] = run;
    real.all.push(run);
    m.handles[this.h] = { stdin: this.o.stdin || this.o.tty, stdinOpen: this.o.stdin || this.o.tty, tty: this.o.tty, streaming: this.o.streaming || this.o.tty, exitOnClose: this.o.exitOnClose, written: [] };
  }
  fixture(m: LifecycleModel, f: FixtureCtx): void {
    const id = f.nextId++;
    f.steps.push({ step: "send", id, method: SPAWN_METHOD[f.surface], params: fixtureSpawnParams(f.surface, this.h, this.o) });
    if (m.handles[this.h]) {
      f.steps.push({ step: "expectResponse", id, error: { code: INVALID_REQUEST } });
      return;
    }
    if (f.surface === "process") f.steps.push({ step: "expectResponse", id, result: { $exact: {} } });
    f.spawnIds[this.h] = id;
    m.handles[this.h] = { stdin: this.o.stdin || this.o.tty, stdinOpen: this.o.stdin || this.o.tty, tty: this.o.tty, streaming: this.o.streaming || this.o.tty, exitOnClose: this.o.exitOnClose, written: [] };
  }
  toString(): string {
    return `spawn(h${this.h}${this.o.tty ? ",tty" : ""}${this.o.stdin ? ",stdin" : ""}${this.o.streaming ? ",stream" : ""}${this.o.exitOnClose ? ",exitOnClose" : ""})`;
  }
}

class WriteCmd implements Cmd {
  constructor(
    readonly h: number,
    readonly bytes: Uint8Array,
    readonly close: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  /** Closing a PTY's stdin is left out (its effect on the child is platform specific). */
  private closes(s: Running | undefined): boolean {
    return this.close && !(s?.tty ?? false);
  }
  /**
   * The bytes sent. A PTY's line discipline acts on control characters (^D is end of file,
   * ^C interrupts, ^Z stops...), so a random byte would end a TTY process the model still
   * counts as running: TTY handles get printable ASCII (their echo is not compared).
   */
  private payload(s: Running | undefined): Buffer {
    return s?.tty ? Buffer.from(this.bytes.map((b) => 0x20 + (b % 0x5f))) : Buffer.from(this.bytes);
  }
  async run(m: LifecycleModel, real: LifecycleReal): Promise<void> {
    const s = m.handles[this.h];
    const close = this.closes(s);
    const params: Record<string, unknown> = { [idField(real.surface)]: handleId(real, this.h), deltaBase64: this.payload(s).toString("base64"), ...(close ? { closeStdin: true } : {}) };
    const r = await real.client.request(WRITE_METHOD[real.surface], params, 10_000).catch((e: Error) => fail(`write to h${this.h}: ${e.message}`));
    if (!s) return expectError(r, `write to unknown/exited handle h${this.h}`);
    if (!s.stdin) return expectError(r, `write to h${this.h} without stdin streaming`);
    if (!s.stdinOpen) return expectError(r, `write to h${this.h} after stdin was closed`);
    expectEmpty(r, `write to h${this.h}`);
    s.written.push(this.payload(s));
    if (close) {
      s.stdinOpen = false;
      if (s.exitOnClose) {
        await finish(real, this.h, s, false);
        m.handles[this.h] = undefined;
      }
    }
  }
  fixture(m: LifecycleModel, f: FixtureCtx): void {
    const s = m.handles[this.h];
    const close = this.closes(s);
    const id = f.nextId++;
    f.steps.push({ step: "send", id, method: WRITE_METHOD[f.surface], params: { [idField(f.surface)]: `h${this.h}`, deltaBase64: this.payload(s).toString("base64"), ...(close ? { closeStdin: true } : {}) } });
    if (!s || !s.stdin || !s.stdinOpen) {
      f.steps.push({ step: "expectResponse", id, error: { code: INVALID_REQUEST } });
      return;
    }
    f.steps.push({ step: "expectResponse", id, result: { $exact: {} } });
    s.written.push(this.payload(s));
    if (close) {
      s.stdinOpen = false;
      if (s.exitOnClose) {
        finalSteps(f, this.h, false);
        m.handles[this.h] = undefined;
      }
    }
  }
  toString(): string {
    return `write(h${this.h}, ${this.bytes.length} bytes${this.close ? ", close" : ""})`;
  }
}

class ResizeCmd implements Cmd {
  constructor(
    readonly h: number,
    readonly rows: number,
    readonly cols: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(m: LifecycleModel, real: LifecycleReal): Promise<void> {
    const s = m.handles[this.h];
    const params = { [idField(real.surface)]: handleId(real, this.h), size: { rows: this.rows, cols: this.cols } };
    const r = await real.client.request(RESIZE_METHOD[real.surface], params, 10_000).catch((e: Error) => fail(`resize h${this.h}: ${e.message}`));
    if (!s) return expectError(r, `resize of unknown/exited handle h${this.h}`);
    if (!s.tty) return expectError(r, `resize of non-PTY handle h${this.h}`);
    expectEmpty(r, `resize of h${this.h}`);
  }
  fixture(m: LifecycleModel, f: FixtureCtx): void {
    const s = m.handles[this.h];
    const id = f.nextId++;
    f.steps.push({ step: "send", id, method: RESIZE_METHOD[f.surface], params: { [idField(f.surface)]: `h${this.h}`, size: { rows: this.rows, cols: this.cols } } });
    f.steps.push(s?.tty ? { step: "expectResponse", id, result: { $exact: {} } } : { step: "expectResponse", id, error: { code: INVALID_REQUEST } });
  }
  toString(): string {
    return `resize(h${this.h}, ${this.rows}x${this.cols})`;
  }
}

class KillCmd implements Cmd {
  constructor(readonly h: number) {}
  check(): boolean {
    return true;
  }
  async run(m: LifecycleModel, real: LifecycleReal): Promise<void> {
    const s = m.handles[this.h];
    const r = await real.client.request(KILL_METHOD[real.surface], { [idField(real.surface)]: handleId(real, this.h) }, 10_000).catch((e: Error) => fail(`kill h${this.h}: ${e.message}`));
    if (!s) return expectError(r, `kill of unknown/exited handle h${this.h}`);
    expectEmpty(r, `kill of h${this.h}`);
    await finish(real, this.h, s, true);
    m.handles[this.h] = undefined;
  }
  fixture(m: LifecycleModel, f: FixtureCtx): void {
    const s = m.handles[this.h];
    const id = f.nextId++;
    f.steps.push({ step: "send", id, method: KILL_METHOD[f.surface], params: { [idField(f.surface)]: `h${this.h}` } });
    if (!s) {
      f.steps.push({ step: "expectResponse", id, error: { code: INVALID_REQUEST } });
      return;
    }
    f.steps.push({ step: "expectResponse", id, result: { $exact: {} } });
    finalSteps(f, this.h, true);
    m.handles[this.h] = undefined;
  }
  toString(): string {
    return `${"kill"}(h${this.h})`;
  }
}

function finalSteps(f: FixtureCtx, h: number, killed: boolean): void {
  const exitCode = killed ? { $type: "integer", $ne: 0 } : 0;
  if (f.surface === "exec") {
    f.steps.push({ step: "expectResponse", id: f.spawnIds[h]!, result: { exitCode }, withinMs: 15_000 });
  } else {
    f.steps.push({ step: "expectNotifications", messages: [{ method: "process/exited", params: { processHandle: `h${h}`, exitCode } }], withinMs: 15_000 });
  }
}

/** The commands of a fast-check commands value (it wraps each one; keep those that ran). */
function unwrap(cmds: Iterable<Cmd>): Cmd[] {
  const out: Cmd[] = [];
  for (const c of cmds) {
    const w = c as unknown as { cmd?: Cmd; hasRan?: boolean };
    if (w.cmd !== undefined) {
      if (w.hasRan !== false) out.push(w.cmd);
    } else out.push(c);
  }
  return out;
}

/** `has`: which optional features the implementation claims (unclaimed ones are never requested). */
export function lifecycleCommands(replayPath?: string, has: (feature: string) => boolean = () => true): fc.Arbitrary<Iterable<Cmd>> {
  const h = fc.nat({ max: HANDLES - 1 });
  const spawnOpts = fc.record({
    stdin: has("streaming-stdin") ? fc.boolean() : fc.constant(false),
    tty: has("tty") ? fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) : fc.constant(false),
    streaming: has("streaming-output") ? fc.boolean() : fc.constant(false),
    exitOnClose: fc.boolean(),
  });
  return fc.commands<LifecycleModel, LifecycleReal>(
    [
      fc.tuple(h, spawnOpts).map(([i, o]) => new SpawnCmd(i, o)),
      fc.tuple(h, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean()).map(([i, b, c]) => new WriteCmd(i, b, c)),
      fc.tuple(h, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })).map(([i, r, c]) => new ResizeCmd(i, r, c)),
      h.map((i) => new KillCmd(i)),
    ],
    { maxCommands: 12, ...(replayPath ? { replayPath } : {}) },
  ) as fc.Arbitrary<Iterable<Cmd>>;
}

export function lifecycleProperty(surface: Surface): PropertyDef<Iterable<Cmd>> {
  return {
    id: `lifecycle/${surface}`,
    number: 6,
    title: `lifecycle state machine (${surface === "exec" ? "command/exec" : "process/*"})`,
    defaultRuns: 12,
    experimental: surface === "process",
    applies: (env) => surfaceApplies(env, surface, ...(surface === "exec" ? ["follow-up"] : [])),
    arbitrary: (env, replay) => lifecycleCommands(replay, (f) => env.hasFeature(f)),
    async check(env: PropertyEnv, cmds: Iterable<Cmd>): Promise<void> {
      const client = await env.server();
      const violationsBefore = client.violations.length;
      const real: LifecycleReal = { env, client, surface, prefix: `L${env.nextRun()}`, pidDir: env.pidDir(), runs: [], all: [] };
      const model: LifecycleModel = { handles: Array.from({ length: HANDLES }, () => undefined) };
      try {
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        // Teardown: kill what still runs; each must end with exactly one final message.
        for (let i = 0; i < HANDLES; i++) {
          const s = model.handles[i];
          if (!s) continue;
          const r = await client.request(KILL_METHOD[surface], { [idField(surface)]: handleId(real, i) }, 10_000);
          expectEmpty(r, `teardown kill of h${i}`);
          await finish(real, i, s, true);
          model.handles[i] = undefined;
        }
        await new Promise((r) => setTimeout(r, 150));
        for (const run of real.all) {
          const late = run.lateNotifications;
          if (late.length) fail(`${run.spec.id}: ${late.length} message(s) after its final one: ${JSON.stringify(late[0])}`);
        }
        const v = client.violations.slice(violationsBefore);
        if (v.length) fail(`protocol violations: ${v.slice(0, 3).join("; ")}`);
        const left = await env.leftovers(real.pidDir, 3000);
        if (left.length) fail(`processes still running after their final message: ${left.join(", ")}`);
      } finally {
        for (const run of real.all) run.dispose();
        // Best effort: stop anything a failed run left behind before the next run.
        for (let i = 0; i < HANDLES; i++) {
          if (model.handles[i]) await client.request(KILL_METHOD[surface], { [idField(surface)]: handleId(real, i) }, 5000).catch(() => undefined);
        }
        env.cleanupDir(real.pidDir);
      }
    },
    fixture(cmds: Iterable<Cmd>): FixtureInput {
      const f: FixtureCtx = { surface, steps: [], nextId: 1, spawnIds: [] };
      const m: LifecycleModel = { handles: Array.from({ length: HANDLES }, () => undefined) };
      for (const c of unwrap(cmds)) c.fixture(m, f);
      for (let i = 0; i < HANDLES; i++) {
        if (!m.handles[i]) continue;
        const id = f.nextId++;
        f.steps.push({ step: "send", id, method: KILL_METHOD[surface], params: { [idField(surface)]: `h${i}` } });
        f.steps.push({ step: "expectResponse", id, result: { $exact: {} } });
        finalSteps(f, i, true);
      }
      f.steps.push({ step: "expectNoLeftovers", withinMs: 3000 });
      return {
        id: "regression.lifecycle",
        title: `lifecycle regression (${surface === "exec" ? "command/exec" : "process/*"}): ${unwrap(cmds).map(String).join(" ").slice(0, 200)}`,
        spec: surface === "exec" ? "codex-app-server-protocol §5.4, §5.6" : "codex-app-server-protocol §6.3, §6.5, §6.6",
        tags: ["regression", "lifecycle", "experimental", ...(f.steps.some((s) => JSON.stringify(s).includes('"tty":true')) ? ["tty"] : [])],
        handshake: "experimental",
        timeoutMs: 60_000,
        steps: f.steps,
      };
    },
  };
}
