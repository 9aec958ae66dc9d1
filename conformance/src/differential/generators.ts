// fast-check generators of client sessions, one per area of the surface. Each generator
// keeps its sessions deterministic: a follow-up meant for a running child waits until the
// child said "ready", a small timeout only meets a child that sleeps far longer, so two
// correct servers can only differ where the protocol lets them (or where one is wrong).
import * as fc from "fast-check";
import type { Action, Session } from "./session.ts";

import { AREAS, type Area } from "./areas.ts";
export { AREAS, type Area };

const P = "${probe}";
const W = "${workspace}";
// Each optional member is absent most of the time, so most sessions are one or two edges
// on an otherwise ordinary request (a request with every member odd fails on the first).
const opt = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** absent (mostly), null or a value */
const nullable = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: arb });
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** Drops undefined members so absent stays absent on the wire. */
function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// --- programs (argv tails after the probe) whose output is known in size

const text = fc.constantFrom("hello", "", "a b\tc", "ünï€", "line1\\nline2\\n", "\\x00\\xff");
const outputProgram: fc.Arbitrary<string[]> = fc.oneof(
  text.map((t) => ["out", t]),
  fc.tuple(text, text).map(([o, e]) => ["out", o, "err", e]),
  fc.constantFrom(0, 1, 7, 10, 4096, 65536, 1048577).map((n) => ["outn", String(n)]),
  fc.constantFrom(1, 10, 100).map((n) => ["errn", String(n)]),
  fc.tuple(text, fc.constantFrom(0, 1, 2, 124, 127, 255)).map(([t, c]) => ["out", t, "exit", String(c)]),
  fc.constantFrom("SIGTERM", "SIGKILL", "SIGINT").map((s) => ["signal", s]),
  fc.constant<string[]>(["env", "ASC_DIFF", "HOME", "PATH", "TERM", "LANG"]),
  fc.constant<string[]>(["cwd"]),
  fc.constant<string[]>(["tty"]),
  fc.constant<string[]>(["size"]),
);

const commandEdge: fc.Arbitrary<string[]> = fc.constantFrom(
  [],
  [""],
  [`${W}/no-such-program`],
  ["no-such-program-asc"],
  ["."],
  [W],
);

const cap = fc.oneof(
  fc.constantFrom(0, 1, 4, 5, 6, 9, 10, 11, 4096, 65535, 65536, 65537, 1048576, 1048577),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 63 - 1, 2 ** 64 - 1, 2 ** 64),
);
const terminalSize = fc.record({
  rows: fc.constantFrom(0, 1, 24, 65535, 65536),
  cols: fc.constantFrom(0, 1, 80, 65535, 65536),
});

const sandboxPolicy = fc.oneof(
  fc.constant({ type: "dangerFullAccess" }),
  fc.record({ type: fc.constant("readOnly"), networkAccess: opt(fc.boolean()) }).map(clean),
  fc.record({ type: fc.constant("externalSandbox"), networkAccess: opt(fc.constantFrom("restricted", "enabled")) }).map(clean),
  fc
    .record({
      type: fc.constant("workspaceWrite"),
      writableRoots: opt(fc.constantFrom([], [`${W}/extra`], [W])),
      networkAccess: opt(fc.boolean()),
      excludeTmpdirEnvVar: opt(fc.boolean()),
      excludeSlashTmp: opt(fc.boolean()),
    })
    .map(clean),
);

const fsEntry = fc.record({
  path: fc.oneof(
    fc.constant({ type: "special", value: { kind: "root" } }),
    fc.constant({ type: "special", value: { kind: "minimal" } }),
    fc.constantFrom(undefined, null, "sub").map((subpath) => ({ type: "special", value: clean({ kind: "project_roots", subpath }) })),
    fc.constant({ type: "special", value: { kind: "tmpdir" } }),
    fc.constant({ type: "special", value: { kind: "slash_tmp" } }),
    fc.constantFrom(W, `${W}/secret.txt`, "relative").map((path) => ({ type: "path", path })),
    fc.constantFrom("**/*.key", `${W}/*.txt`).map((pattern) => ({ type: "glob_pattern", pattern })),
  ),
  access: fc.constantFrom("read", "write", "none"),
});
const inlineProfile = fc.oneof(
  fc.constant({ type: "disabled" }),
  fc.record({ type: fc.constant("external"), network: fc.record({ enabled: fc.boolean() }) }),
  fc.record({
    type: fc.constant("managed"),
    fileSystem: fc.oneof(
      fc.constant({ type: "unrestricted" }),
      fc.array(fsEntry, { minLength: 0, maxLength: 3 }).map((entries) => ({ type: "restricted", entries })),
    ),
    network: fc.record({ enabled: fc.boolean() }),
  }),
);
const permissionProfile = fc.oneof(
  fc.constantFrom(":read-only", ":workspace", ":danger-full-access", ":danger-no-sandbox", "no-such-profile", ""),
  inlineProfile,
);

/** The sandbox a command runs under: a policy, a profile, both, or the server's default. */
const sandboxShape = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ sandboxPolicy: { type: "dangerFullAccess" } }) },
  { weight: 3, arbitrary: sandboxPolicy.map((sandboxPolicy) => ({ sandboxPolicy })) },
  { weight: 2, arbitrary: permissionProfile.map((permissionProfile) => ({ permissionProfile })) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ sandboxPolicy, permissionProfile }) },
  { weight: 1, arbitrary: fc.constantFrom({ sandboxPolicy: null }, { permissionProfile: null }) },
);

const envOverrides = nullable(
  fc.dictionary(fc.constantFrom("ASC_DIFF", "HOME", "PATH", "TERM", "LANG", "ASC_EMPTY"), fc.option(fc.constantFrom("v", "", "x=y", "ünï"), { nil: null }), {
    maxKeys: 3,
  }),
);
const cwd = nullable(fc.constantFrom(W, `${W}/sub`, `${W}/missing`, "sub", ".", "/", `${W}/../`));

// --- exec: one command/exec over its whole parameter space

/** Every member of CommandExecParams with a value at or near an edge (absent is not a value here). */
const execVariations = fc.record({
  processId: fc.constantFrom(null, "p1", ""),
  tty: fc.boolean(),
  streamStdin: fc.boolean(),
  streamStdoutStderr: fc.boolean(),
  outputBytesCap: fc.oneof(fc.constant(null), cap),
  disableOutputCap: fc.boolean(),
  disableTimeout: fc.boolean(),
  timeoutMs: fc.constantFrom(null, 10_000, 2 ** 63 - 1, -1),
  cwd: fc.constantFrom(null, W, `${W}/sub`, `${W}/missing`, "sub", ".", "/", `${W}/../`),
  env: fc.oneof(fc.constant(null), envOverrides.filter((e) => e !== undefined && e !== null)),
  size: fc.oneof(fc.constant(null), terminalSize),
  shape: sandboxShape,
});
type ExecVariations = typeof execVariations extends fc.Arbitrary<infer T> ? T : never;
const VARIED = ["processId", "tty", "streamStdin", "streamStdoutStderr", "outputBytesCap", "disableOutputCap", "disableTimeout", "timeoutMs", "cwd", "env", "size", "shape"] as const;

/**
 * An ordinary request (a probe program, full access) with one to three members set to an
 * edge: a session then shows what each edge does rather than the first error of many.
 */
const execParams = fc
  .record({
    command: fc.oneof({ weight: 6, arbitrary: outputProgram.map((t) => [P, ...t]) }, { weight: 1, arbitrary: commandEdge }),
    values: execVariations,
    varied: fc.subarray([...VARIED], { minLength: 0, maxLength: 3 }),
  })
  .map(({ command, values, varied }) => {
    const out: Record<string, unknown> = { command, sandboxPolicy: { type: "dangerFullAccess" } };
    for (const k of varied) {
      if (k === "shape") {
        delete out.sandboxPolicy;
        Object.assign(out, values.shape);
      } else out[k] = values[k as Exclude<keyof ExecVariations, "shape">];
    }
    return out;
  });

/**
 * A child that sleeps far past a small timeout: the timeout always wins. It prints nothing
 * first: whether its start-up beats a 100 ms timeout is a race, not a difference.
 */
const timeoutParams = fc
  .record({ timeoutMs: fc.constantFrom(0, 1, 100), disableTimeout: opt(fc.boolean()), streamStdoutStderr: opt(fc.boolean()) })
  .map((r) => clean({ command: [P, "sleep", "20000"], sandboxPolicy: { type: "dangerFullAccess" }, ...r, processId: r.streamStdoutStderr ? "t1" : undefined }));

const execSession: fc.Arbitrary<Session> = fc
  .array(fc.oneof({ weight: 5, arbitrary: execParams }, { weight: 1, arbitrary: timeoutParams }), { minLength: 1, maxLength: 3 })
  .map((list) => ({
    area: "exec",
    handshake: "experimental" as const,
    // run one after another: concurrent output of two commands is ordered by nothing
    actions: list.flatMap((params, i): Action[] => [
      { do: "send", id: i + 1, method: "command/exec", params: withUniqueProcessId(params, i) },
      { do: "awaitResponse", id: i + 1 },
    ]),
  }));

function withUniqueProcessId(params: Record<string, unknown>, i: number): Record<string, unknown> {
  return typeof params.processId === "string" && params.processId !== "" ? { ...params, processId: `${params.processId}-${i}` } : params;
}

// --- follow-ups: write / close stdin / resize / terminate, before, during and after exit

/**
 * The children follow-ups meet. Each prints everything it prints unprompted before "ready"
 * and then only answers input or ends when told (stdin closed, terminated, killed), so no
 * follow-up after "ready" races output of its own. `readsStdin`: it ends when stdin closes;
 * `echoes`: it copies stdin to stdout.
 */
interface LongChild {
  argv: string[];
  readsStdin: boolean;
  echoes: boolean;
}
export const LONG_CHILDREN: Record<"echo" | "count-stdin" | "sleep" | "size", LongChild> = {
  echo: { argv: ["out", "ready\\n", "echo"], readsStdin: true, echoes: true },
  "count-stdin": { argv: ["out", "ready\\n", "count-stdin"], readsStdin: true, echoes: false },
  sleep: { argv: ["out", "ready\\n", "sleep", "20000"], readsStdin: false, echoes: false },
  size: { argv: ["size", "out", "ready\\n", "sleep", "20000"], readsStdin: false, echoes: false },
};

/**
 * What a running child prints on stdout for one write of `text` (one line): its own copy if
 * it echoes, and under a PTY also the terminal's echo (both with "\r\n" line ends; the two
 * copies are the same text, so their order does not matter). Undefined when nothing comes.
 */
export function outputOfWrite(text: string, child: LongChild, tty: boolean): string | undefined {
  if (text === "") return undefined;
  const copies = (child.echoes ? 1 : 0) + (tty ? 1 : 0);
  if (copies === 0) return undefined;
  return (tty ? text.replace(/\n/g, "\r\n") : text).repeat(copies);
}

/** The text a write follow-up sends, if it sends any. */
function writtenText(params: Record<string, unknown>): string | undefined {
  const d = params.deltaBase64;
  if (typeof d !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(d)) return undefined;
  return Buffer.from(d, "base64").toString("utf8");
}

const followUp = (pid: string) =>
  fc.oneof(
    fc.constantFrom("one\n", "", "two words\n", "ünï\n").map((t) => ({ method: "command/exec/write", params: { processId: pid, deltaBase64: b64(t) } })),
    fc.constant({ method: "command/exec/write", params: { processId: pid, closeStdin: true } }),
    fc.constant({ method: "command/exec/write", params: { processId: pid, deltaBase64: b64("last\n"), closeStdin: true } }),
    fc.constant({ method: "command/exec/write", params: { processId: pid, deltaBase64: null } }),
    fc.constant({ method: "command/exec/write", params: { processId: pid, deltaBase64: "!!not base64" } }),
    terminalSize.map((size) => ({ method: "command/exec/resize", params: { processId: pid, size } })),
    fc.constant({ method: "command/exec/terminate", params: { processId: pid } }),
  );

const followUpSession: fc.Arbitrary<Session> = fc
  .record({
    child: fc.constantFrom(...(Object.keys(LONG_CHILDREN) as (keyof typeof LONG_CHILDREN)[])),
    tty: opt(fc.boolean()),
    streamStdin: opt(fc.boolean()),
    before: fc.array(followUp("p"), { maxLength: 1 }),
    during: fc.array(fc.record({ f: followUp("p"), unknownId: fc.boolean() }), { minLength: 1, maxLength: 4 }),
    end: fc.constantFrom("close", "terminate"),
    after: fc.array(followUp("p"), { maxLength: 2 }),
  })
  .map((g) => {
    const child = LONG_CHILDREN[g.child];
    const actions: Action[] = [];
    let id = 1;
    for (const f of g.before) actions.push({ do: "send", id: id++, method: f.method, params: f.params }, { do: "awaitResponse", id: id - 1 });
    const execId = id++;
    // a child reading stdin without streamStdin sees EOF and ends by itself: that races the follow-ups
    const streamStdin = child.readsStdin ? true : g.streamStdin;
    const tty = g.tty === true;
    actions.push({
      do: "send",
      id: execId,
      method: "command/exec",
      params: clean({
        command: [P, ...child.argv],
        processId: "p",
        streamStdoutStderr: true,
        streamStdin,
        tty: g.tty,
        sandboxPolicy: { type: "dangerFullAccess" },
        timeoutMs: 15_000,
      }),
    });
    actions.push({ do: "awaitOutput", processId: "p", contains: "ready" });
    const writable = tty || streamStdin === true;
    let ended = false;
    for (const { f, unknownId } of g.during) {
      const params = unknownId ? { ...f.params, processId: "unknown" } : f.params;
      actions.push({ do: "send", id: id++, method: f.method, params }, { do: "awaitResponse", id: id - 1 });
      if (unknownId) continue;
      const closes = (f.params as { closeStdin?: boolean }).closeStdin === true;
      // after a terminate, or a close the child ends on, its end races with what follows: stop here
      ended = f.method === "command/exec/terminate" || (closes && child.readsStdin);
      if (ended) break;
      // what the write makes the child print is awaited, so a terminate after it races nothing
      const text = f.method === "command/exec/write" && writable ? writtenText(f.params) : undefined;
      const printed = text === undefined ? undefined : outputOfWrite(text, child, tty);
      if (printed !== undefined) actions.push({ do: "awaitOutput", processId: "p", contains: printed });
    }
    if (!ended) {
      if (g.end === "close") actions.push({ do: "send", id: id++, method: "command/exec/write", params: { processId: "p", closeStdin: true } });
      // a child that does not read stdin outlives the close: it is terminated too
      if (g.end === "terminate" || !child.readsStdin) {
        if (g.end === "close") actions.push({ do: "awaitResponse", id: id - 1 });
        actions.push({ do: "send", id: id++, method: "command/exec/terminate", params: { processId: "p" } });
      }
    }
    actions.push({ do: "awaitResponse", id: execId });
    for (const f of g.after) actions.push({ do: "send", id: id++, method: f.method, params: f.params }, { do: "awaitResponse", id: id - 1 });
    return { area: "followups", handshake: "experimental" as const, actions };
  });

// --- process/*: lifecycles and concurrent handles

const LONG_SPAWNED = { echo: LONG_CHILDREN.echo, sleep: LONG_CHILDREN.sleep };
type LongSpawned = keyof typeof LONG_SPAWNED;

const spawnParams = (handle: string) =>
  fc
    .record({
      program: fc.oneof(
        outputProgram.map((argv) => ({ argv, long: undefined })),
        fc.constantFrom<LongSpawned>("echo", "sleep").map((long) => ({ argv: LONG_SPAWNED[long].argv, long })),
      ),
      cwd: fc.constantFrom(W, `${W}/missing`, "relative", undefined),
      tty: opt(fc.boolean()),
      streamStdin: opt(fc.boolean()),
      streamStdoutStderr: opt(fc.boolean()),
      outputBytesCap: nullable(cap),
      timeoutMs: nullable(fc.constantFrom(15_000, -1, 2 ** 63 - 1)),
      env: envOverrides,
      size: nullable(terminalSize),
    })
    .map(({ program, ...r }) => ({ long: program.long, params: clean({ command: [P, ...program.argv], processHandle: handle, ...r }) }));

const processFollowUp = (h: string) =>
  fc.oneof(
    fc.constantFrom("one\n", "").map((t) => ({ method: "process/writeStdin", params: { processHandle: h, deltaBase64: b64(t) } })),
    fc.constant({ method: "process/writeStdin", params: { processHandle: h, closeStdin: true } }),
    terminalSize.map((size) => ({ method: "process/resizePty", params: { processHandle: h, size } })),
    fc.constant({ method: "process/kill", params: { processHandle: h } }),
  );

/**
 * Whether a spawn is expected to start (so its process/exited is awaited). A wrong guess
 * costs only time: both servers then stall at the same wait, which is still comparable.
 */
function likelyStarts(p: Record<string, unknown>): boolean {
  const size = p.size as { rows: number; cols: number } | null | undefined;
  if (p.cwd !== W || p.timeoutMs === -1) return false;
  // integers past 2^53 are written inexactly (2^63 - 1 as 2^63): whether they are accepted is declared per server
  if (typeof p.outputBytesCap === "number" && p.outputBytesCap > Number.MAX_SAFE_INTEGER) return false;
  if (typeof p.timeoutMs === "number" && p.timeoutMs > Number.MAX_SAFE_INTEGER) return false;
  if (size && (p.tty !== true || size.rows === 0 || size.cols === 0 || size.rows > 65535 || size.cols > 65535)) return false;
  return true;
}

/** A running handle the session may follow up: what it runs and whether it has a PTY. */
interface LiveHandle {
  handle: string;
  child: LongChild;
  tty: boolean;
  writable: boolean;
}

const processSession: fc.Arbitrary<Session> = fc
  .record({
    params: fc.array(spawnParams("x"), { minLength: 1, maxLength: 2 }),
    duplicate: fc.boolean(),
    followUps: fc.array(fc.tuple(fc.constantFrom("h1", "h2", "nope"), processFollowUp("x")), { maxLength: 3 }),
  })
  .map((g) => {
    const actions: Action[] = [];
    let id = 1;
    const live: LiveHandle[] = [];
    const spawned: string[] = [];
    g.params.forEach(({ long, params: p }, i) => {
      const handle = `h${i + 1}`;
      let params: Record<string, unknown> = { ...p, processHandle: handle };
      if (long) {
        // a long-running child is always streamed, so the session can wait until it runs, then end it;
        // its output is never capped below what it prints (a cut "ready" would never come)
        params = { ...params, streamStdoutStderr: true };
        if (typeof params.outputBytesCap === "number" && params.outputBytesCap < 4096) delete params.outputBytesCap;
      }
      actions.push({ do: "send", id: id++, method: "process/spawn", params }, { do: "awaitResponse", id: id - 1 });
      const starts = likelyStarts(params);
      if (starts) spawned.push(handle);
      const tty = params.tty === true;
      const writable = tty || params.streamStdin === true;
      if (long && starts) {
        actions.push({ do: "awaitOutput", processHandle: handle, contains: "ready" });
        // an echo child whose stdin is closed from the start ends by itself: it is only awaited
        if (!LONG_SPAWNED[long].readsStdin || writable) live.push({ handle, child: LONG_SPAWNED[long], tty, writable });
      }
    });
    // a second spawn under a handle that is still running
    if (g.duplicate && live.length) {
      actions.push({ do: "send", id: id++, method: "process/spawn", params: { command: [P, "out", "dup"], processHandle: live[0]!.handle, cwd: W } }, { do: "awaitResponse", id: id - 1 });
    }
    for (const [handle, f] of g.followUps) {
      const target = live.find((l) => l.handle === handle);
      // follow-ups go to running handles or to one never spawned: others race their exit
      if (handle !== "nope" && !target) continue;
      actions.push({ do: "send", id: id++, method: f.method, params: { ...f.params, processHandle: handle } }, { do: "awaitResponse", id: id - 1 });
      if (!target) continue;
      const closes = (f.params as { closeStdin?: boolean }).closeStdin === true;
      // killed, or ending on its own now that stdin is closed: no more follow-ups may race its end
      if (f.method === "process/kill" || (closes && target.writable && target.child.readsStdin)) {
        live.splice(live.indexOf(target), 1);
        break;
      }
      const text = f.method === "process/writeStdin" && target.writable ? writtenText(f.params) : undefined;
      const printed = text === undefined ? undefined : outputOfWrite(text, target.child, target.tty);
      if (printed !== undefined) actions.push({ do: "awaitOutput", processHandle: handle, contains: printed });
    }
    for (const { handle } of live) actions.push({ do: "send", id: id++, method: "process/kill", params: { processHandle: handle } }, { do: "awaitResponse", id: id - 1 });
    for (const h of spawned) actions.push({ do: "awaitExited", processHandle: h });
    return { area: "process", handshake: "experimental" as const, actions };
  });

// --- initialize variants

const clientInfo = fc.oneof(
  fc.constant({ name: "asc-diff", title: null, version: "1.0.0" }),
  fc.constant({ name: "asc-diff", version: "1.0.0" }),
  fc.constant({ name: "", title: "T", version: "" }),
  fc.constant({ name: "asc-diff" }),
);
const capabilities = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant({}),
  fc.record({ experimentalApi: opt(fc.boolean()), optOutNotificationMethods: opt(fc.constantFrom([], ["command/exec/outputDelta"], ["process/exited", "nope"])) }).map(clean),
);
const initParams = fc.record({ clientInfo: opt(clientInfo), capabilities }).map(clean);
const gatedRequest = fc.constantFrom(
  { method: "command/exec", params: { command: [P, "out", "x"], sandboxPolicy: { type: "dangerFullAccess" }, processId: "g", streamStdoutStderr: true } },
  // fails to start wherever it is let through, so no process outlives the session unobserved
  { method: "process/spawn", params: { command: [`${W}/no-such-program`], processHandle: "g", cwd: W } },
  { method: "permissionProfile/list", params: {} },
  { method: "no/such/method", params: {} },
);

const initializeSession: fc.Arbitrary<Session> = fc
  .record({
    early: fc.option(gatedRequest, { nil: undefined }),
    inits: fc.array(initParams, { minLength: 0, maxLength: 2 }),
    initialized: fc.boolean(),
    after: fc.array(gatedRequest, { minLength: 1, maxLength: 2 }),
  })
  .map((g) => {
    const actions: Action[] = [];
    let id = 1;
    if (g.early) actions.push({ do: "send", id: id++, method: g.early.method, params: g.early.params }, { do: "awaitResponse", id: id - 1 });
    for (const p of g.inits) actions.push({ do: "send", id: id++, method: "initialize", params: p }, { do: "awaitResponse", id: id - 1 });
    if (g.initialized) actions.push({ do: "notify", method: "initialized" });
    for (const r of g.after) actions.push({ do: "send", id: id++, method: r.method, params: r.params }, { do: "awaitResponse", id: id - 1 });
    return { area: "initialize", handshake: "none" as const, actions };
  });

// --- malformed params: one change at one path of a valid request

const BASES: { method: string; params: Record<string, unknown> }[] = [
  { method: "command/exec", params: { command: [P, "out", "x"], processId: "m", tty: false, streamStdin: false, streamStdoutStderr: false, outputBytesCap: 100, disableOutputCap: false, disableTimeout: false, timeoutMs: 10_000, cwd: W, env: { ASC_DIFF: "v" }, sandboxPolicy: { type: "workspaceWrite", writableRoots: [W], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false } } },
  { method: "command/exec", params: { command: [P, "out", "x"], tty: true, processId: "m", size: { rows: 24, cols: 80 }, permissionProfile: { type: "managed", fileSystem: { type: "restricted", entries: [{ path: { type: "special", value: { kind: "project_roots", subpath: null } }, access: "write" }] }, network: { enabled: false } } } },
  { method: "process/spawn", params: { command: [P, "out", "x"], processHandle: "m", cwd: W, tty: false, streamStdin: false, streamStdoutStderr: false, outputBytesCap: 100, timeoutMs: 10_000, env: { ASC_DIFF: "v" }, size: null } },
  { method: "command/exec/write", params: { processId: "m", deltaBase64: "eA==", closeStdin: false } },
  { method: "command/exec/resize", params: { processId: "m", size: { rows: 24, cols: 80 } } },
  { method: "command/exec/terminate", params: { processId: "m" } },
  { method: "process/writeStdin", params: { processHandle: "m", deltaBase64: "eA==", closeStdin: false } },
  { method: "process/resizePty", params: { processHandle: "m", size: { rows: 24, cols: 80 } } },
  { method: "process/kill", params: { processHandle: "m" } },
  { method: "permissionProfile/list", params: { cursor: null, limit: 10, cwd: W } },
];

type Path = (string | number)[];
function pathsOf(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}
function setAt(root: unknown, path: Path, f: (old: unknown) => unknown): unknown {
  if (path.length === 0) return f(root);
  const [head, ...rest] = path;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = setAt(copy[head!], rest, f);
  return copy;
}

const REMOVE = Symbol("remove");
const replacement = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1.5, "", "str", [], {}, 2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, -(2 ** 63) - 4096),
  fc.constant({ bogusMember: 1 }),
  fc.constant({ type: "bogusTag" }),
  fc.constant(REMOVE),
);

const malformedSession: fc.Arbitrary<Session> = fc
  .record({ base: fc.constantFrom(...BASES), at: fc.nat(), change: replacement, kind: fc.constantFrom("replace", "addMember"), experimental: fc.boolean() })
  .map((g) => {
    const paths = pathsOf(g.base.params);
    const path = paths[g.at % paths.length]!;
    let params: unknown;
    if (g.kind === "addMember") {
      params = setAt(g.base.params, path, (old) => (typeof old === "object" && old !== null && !Array.isArray(old) ? { ...old, bogusMember: true } : old));
    } else {
      params =
        g.change === REMOVE
          ? path.length === 0
            ? undefined
            : setAt(g.base.params, path.slice(0, -1), (parent) => {
                if (Array.isArray(parent)) return parent.filter((_, i) => i !== path[path.length - 1]);
                const { [path[path.length - 1]!]: _drop, ...rest } = parent as Record<string, unknown>;
                return rest;
              })
          : setAt(g.base.params, path, () => g.change);
    }
    const actions: Action[] = [{ do: "send", id: 1, method: g.base.method, ...(params === undefined ? {} : { params }) }, { do: "awaitResponse", id: 1 }];
    // a request that started something anyway is ended, so nothing is left running
    if (g.base.method === "process/spawn") actions.push({ do: "send", id: 2, method: "process/kill", params: { processHandle: "m" } }, { do: "awaitResponse", id: 2 });
    return { area: "malformed", handshake: g.experimental ? ("experimental" as const) : ("stable" as const), actions };
  });

const rawSession: fc.Arbitrary<Session> = fc
  .constantFrom(
    "not json",
    "[]",
    "[1,2]",
    '{"id":1}',
    '{"method":"command/exec"}',
    '{"id":null,"method":"command/exec","params":{}}',
    '{"id":{"a":1},"method":"command/exec","params":{}}',
    '{"id":1.5,"method":"command/exec","params":{}}',
    '{"id":"s","method":"command/exec","params":{"command":[]}}',
    '{"jsonrpc":"2.0","id":7,"method":"permissionProfile/list","params":{}}',
    '{"id":8,"method":"permissionProfile/list","params":[]}',
    '{"id":9,"method":"permissionProfile/list","params":null}',
    '{"id":10,"method":"command/exec","params":{"command":["x"]},"extra":1}',
    '{"id":-1,"method":"command/exec/terminate","params":{"processId":"x"}}',
  )
  .map((line) => ({
    area: "malformed",
    handshake: "experimental" as const,
    actions: [{ do: "raw", line }, { do: "send", id: "after", method: "permissionProfile/list", params: {} }, { do: "awaitResponse", id: "after" }],
  }));

// --- the child's world under each sandbox shape

const reveal = fc.constantFrom(
  ["environ"],
  ["ids", "umask", "stdio", "sigs"],
  ["cwd", "tty"],
  ["can-read", `${W}/secret.txt`, "can-read", "/etc/hostname", "can-read", "/root"],
  ["can-write", `${W}/new.txt`, "can-write", `${W}/.git/x`, "can-write", `${W}/.codex/x`, "can-write", "/tmp/asc-diff-probe-write"],
  ["connect", `${W}/port`],
  ["connect-unix", `${W}/sock`],
);

const worldSession: fc.Arbitrary<Session> = fc
  .record({ shape: sandboxShape, reveals: fc.array(reveal, { minLength: 1, maxLength: 3 }), cwd: fc.constantFrom(undefined, W) })
  .map((g) => {
    const tail = g.reveals.flat();
    const needsTcp = tail.includes("connect");
    const needsUnix = tail.includes("connect-unix");
    const actions: Action[] = [];
    let id = 1;
    // setup through an unsandboxed host process: a secret file, listeners on the host
    const setup = [P, "write", `${W}/secret.txt`, "secret", "out", "ready\\n"];
    if (needsTcp) setup.push("listen", `${W}/port`, "15000");
    if (needsUnix) setup.push("listen-unix", `${W}/sock`, "15000");
    setup.push("wait-file", needsTcp ? `${W}/port` : `${W}/secret.txt`, "wait-file", needsUnix ? `${W}/sock` : `${W}/secret.txt`, "out", "listening\\n", "sleep", "15000");
    actions.push({ do: "send", id: id++, method: "process/spawn", params: { command: setup, processHandle: "host", cwd: W, streamStdoutStderr: true } });
    actions.push({ do: "awaitResponse", id: id - 1 }, { do: "awaitOutput", processHandle: "host", contains: "listening" });
    actions.push({ do: "send", id: id++, method: "command/exec", params: clean({ command: [P, ...tail], cwd: g.cwd, ...g.shape }) }, { do: "awaitResponse", id: id - 1 });
    actions.push({ do: "send", id: id++, method: "process/kill", params: { processHandle: "host" } }, { do: "awaitResponse", id: id - 1 }, { do: "awaitExited", processHandle: "host" });
    return { area: "world", handshake: "experimental" as const, actions };
  });

export const GENERATORS: Record<Area, fc.Arbitrary<Session>> = {
  exec: execSession,
  followups: followUpSession,
  process: processSession,
  initialize: initializeSession,
  malformed: fc.oneof({ weight: 4, arbitrary: malformedSession }, { weight: 1, arbitrary: rawSession }),
  world: worldSession,
};

/** Sessions of the chosen areas (all when none is chosen). */
export function sessionArbitrary(areas: readonly Area[]): fc.Arbitrary<Session> {
  const chosen = areas.length ? areas : AREAS;
  if (chosen.length === 1) return GENERATORS[chosen[0]!];
  return fc.oneof(...chosen.map((a) => GENERATORS[a]));
}
