// Property 7: bad input. Random malformed lines, requests with wrong types, huge and
// boundary values: the server never crashes or hangs, every well-formed request (a JSON
// object with a string or integer id and a string method) gets exactly one reply, lines
// that are not well-formed requests get at most one, and the next valid request works.
import * as fc from "fast-check";
import type { FixtureInput } from "../../fixture/format.ts";
import { ReplyTimeout, ServerGone, type Reply } from "../client.ts";
import { fail, surfaceApplies, type PropertyDef, type PropertyEnv } from "../harness.ts";
import { zodValidator } from "../../runner/schema-check.ts";
import { sleep } from "./common.ts";

export type JunkItem =
  /** A line that is not a well-formed request; any reply is optional. */
  | { kind: "raw"; line: string; optionalId?: unknown }
  /** A well-formed request (valid id): exactly one reply. `params` may hold "${probe}" elements. */
  | { kind: "request"; id: string | number; method: string; params?: unknown; rawId?: string }
  /** A client notification: no reply. */
  | { kind: "notification"; method: string; params?: unknown }
  /**
   * A request whose params nest `depth` arrays: beyond typical parser recursion limits a
   * server may drop the line, so any reply is optional. Its id is made unique where the
   * item is sent (never derived from the depth: two items could share it).
   */
  | { kind: "deep"; depth: number };

export interface BadInputCase {
  items: JunkItem[];
}

const METHODS = [
  "command/exec",
  "command/exec/write",
  "command/exec/terminate",
  "command/exec/resize",
  "process/spawn",
  "process/writeStdin",
  "process/kill",
  "process/resizePty",
  "initialize",
] as const;

const FIELDS: Record<string, string[]> = {
  "command/exec": ["command", "processId", "tty", "streamStdin", "streamStdoutStderr", "outputBytesCap", "disableOutputCap", "disableTimeout", "timeoutMs", "cwd", "env", "size", "sandboxPolicy", "permissionProfile"],
  "command/exec/write": ["processId", "deltaBase64", "closeStdin"],
  "command/exec/terminate": ["processId"],
  "command/exec/resize": ["processId", "size"],
  "process/spawn": ["command", "processHandle", "cwd", "tty", "streamStdin", "streamStdoutStderr", "outputBytesCap", "timeoutMs", "env", "size"],
  "process/writeStdin": ["processHandle", "deltaBase64", "closeStdin"],
  "process/kill": ["processHandle"],
  "process/resizePty": ["processHandle", "size"],
  initialize: ["clientInfo", "capabilities"],
};

const plainString = fc.string({ unit: "binary", maxLength: 30 }).filter((s) => !s.includes("${"));

/** Wrong types, boundary and huge values. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0.5, 65535, 65536, -65536, 2 ** 31, 2 ** 32, 2 ** 53 - 1, -(2 ** 53 - 1), 1e300, "", "x", [], {}, [null], { rows: 0, cols: 0 }, { rows: 65536, cols: 1 }, { rows: -1, cols: 5 }, { rows: 1.5, cols: 2 }, { type: "nope" }, { type: "readOnly", access: { type: "restricted" } }, "!!!not base64!!!", "AA=", { A: 1 }, { A: null }, [1, 2], ["/nonexistent/definitely/not/here"], [""]),
  plainString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(plainString, { maxLength: 3 }),
  fc.dictionary(plainString, fc.oneof(plainString, fc.constant(null), fc.integer()), { maxKeys: 3 }),
);

function baseParams(method: string, n: number): Record<string, unknown> {
  const probeOut = ["${probe}", "out", "x"];
  switch (method) {
    case "command/exec":
      return { command: probeOut, processId: `bad-${n}`, sandboxPolicy: { type: "dangerFullAccess" }, timeoutMs: 5000, cwd: "${workspace}" };
    case "process/spawn":
      return { command: probeOut, processHandle: `bad-${n}`, cwd: "${workspace}", timeoutMs: 5000 };
    case "initialize":
      return { clientInfo: { name: "again", title: null, version: "1" }, capabilities: { experimentalApi: true } };
    default:
      return method.startsWith("process/") ? { processHandle: `bad-${n}` } : { processId: `bad-${n}` };
  }
}

const validId = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.string({ unit: "binary", maxLength: 12 }).filter((s) => !s.includes("${")));

/** Methods and mutable fields limited to the features the implementation claims. */
function claimedSurface(has: (feature: string) => boolean): { methods: string[]; fields: Record<string, string[]> } {
  const drop = new Set<string>([
    ...(has("tty") ? [] : ["tty", "size"]),
    ...(has("streaming-stdin") ? [] : ["streamStdin"]),
    ...(has("streaming-output") ? [] : ["streamStdoutStderr"]),
    ...(has("sandbox") ? [] : ["sandboxPolicy", "permissionProfile"]),
  ]);
  const methods = METHODS.filter((m) => (has("process-api") || !m.startsWith("process/")) && (has("follow-up") || !m.startsWith("command/exec/")));
  const fields = Object.fromEntries(Object.entries(FIELDS).map(([m, fs]) => [m, fs.filter((f) => !drop.has(f))]));
  return { methods, fields };
}

const mutatedRequestArb = (has: (feature: string) => boolean): fc.Arbitrary<JunkItem> => {
  const { methods, fields: FIELDS } = claimedSurface(has);
  return fc
  .record({
    id: validId,
    method: fc.constantFrom(...methods),
    n: fc.nat({ max: 1_000_000 }),
    mutations: fc.array(fc.tuple(fc.nat(), weird), { minLength: 1, maxLength: 3 }),
    drop: fc.option(fc.nat(), { nil: undefined }),
    paramsShape: fc.constantFrom("object", "object", "object", "object", "absent", "array", "string", "null"),
  })
  .map(({ id, method, n, mutations, drop, paramsShape }) => {
    if (paramsShape !== "object") {
      const params = { absent: undefined, array: [1, 2], string: "params", null: null }[paramsShape];
      return { kind: "request" as const, id, method, params };
    }
    const params = baseParams(method, n);
    const fields = FIELDS[method]!;
    for (const [i, v] of mutations) params[fields[i % fields.length]!] = v;
    if (drop !== undefined) delete params[fields[drop % fields.length]!];
    return { kind: "request" as const, id, method, params };
  });
};

const unknownMethod: fc.Arbitrary<JunkItem> = fc
  .record({ id: validId, method: plainString, params: fc.option(weird, { nil: undefined }) })
  .filter((r) => !(METHODS as readonly string[]).includes(r.method) && !r.method.startsWith("command/exec") && r.method !== "initialized")
  .map((r) => ({ kind: "request" as const, ...r }));

/** Integer ids at the i64 boundaries, written verbatim (a JS number cannot hold them exactly). */
const boundaryId: fc.Arbitrary<JunkItem> = fc.constantFrom("9223372036854775807", "-9223372036854775808", "0", "-1").map((rawId) => ({
  kind: "request" as const,
  id: Number(rawId),
  rawId,
  method: "command/exec/terminate",
  params: { processId: `boundary-${rawId}` },
}));

const rawJunkArb = (has: (feature: string) => boolean): fc.Arbitrary<JunkItem> => fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }).filter((s) => !/[\n\r]/.test(s) && !s.includes("${")).map((line) => ({ kind: "raw" as const, line })),
  fc.constantFrom(
    "{",
    "}",
    "[]",
    "null",
    "42",
    '"string"',
    "{}",
    '{"id":1}',
    '{"method":5}',
    '{"id":"x","method":"command/exec","params":',
    '{"id":"trunc","method":"command/exec","params":{"command":["a"]',
    '{"result":{}}',
    '{"id":"orphan-response","result":{}}',
    '{"id":"orphan-error","error":{"code":1,"message":"m"}}',
    "\u0000",
    "\ufeff{}",
  ).map((line) => ({ kind: "raw" as const, line })),
  // Ids that are not a string or an integer: such a line is a notification upstream (never answered).
  fc.constantFrom<unknown>(null, 1.5, true, { a: 1 }, [1], -0.25).map((id) => ({
    kind: "raw" as const,
    line: JSON.stringify({ id, method: has("follow-up") ? "command/exec/terminate" : "command/exec", params: { processId: "nope" } }),
    optionalId: id,
  })),
  // Deep nesting: beyond typical parser recursion limits a server may drop the line.
  fc.integer({ min: 100, max: 5000 }).map((depth) => ({ kind: "deep" as const, depth })),
);

/** The line of a `deep` item, sent with request id `id`. */
export function deepLine(id: string, depth: number): string {
  return `{"id":${JSON.stringify(id)},"method":"command/exec","params":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

const notification: fc.Arbitrary<JunkItem> = fc
  .record({ method: fc.oneof(fc.constantFrom("initialized", "command/exec", "process/kill", "$/cancelRequest"), plainString), params: fc.option(weird, { nil: undefined }) })
  .map((r) => ({ kind: "notification" as const, ...r }));

/** A request with a huge member (a ~200 KB string or a long argv). */
const huge: fc.Arbitrary<JunkItem> = fc
  .record({ id: validId, size: fc.integer({ min: 100_000, max: 300_000 }), where: fc.constantFrom("arg", "processId", "env", "argv") })
  .map(({ id, size, where }) => {
    const big = "y".repeat(size);
    const params: Record<string, unknown> = { command: ["${probe}", "out", "x"], sandboxPolicy: { type: "dangerFullAccess" }, timeoutMs: 5000, cwd: "${workspace}" };
    if (where === "arg") params.command = ["${probe}", "out", big];
    else if (where === "processId") params.processId = big;
    else if (where === "env") params.env = { ASC_HUGE: big };
    else params.command = ["${probe}", ...Array.from({ length: Math.floor(size / 20) }, () => "sleep"), "0"];
    return { kind: "request" as const, id, method: "command/exec", params };
  });

export type BadInputVariant = "junk" | "i64-ids";

/** `has`: which optional features the implementation claims (unclaimed ones are never requested). */
export function badInputArbitrary(variant: BadInputVariant, has: (feature: string) => boolean = () => true): fc.Arbitrary<BadInputCase> {
  const mutatedRequest = mutatedRequestArb(has);
  const rawJunk = rawJunkArb(has);
  if (variant === "i64-ids") {
    return fc.record({
      items: fc.array(fc.oneof({ weight: 2, arbitrary: boundaryId }, { weight: 1, arbitrary: mutatedRequest }), { minLength: 1, maxLength: 4 }),
    });
  }
  return fc.record({
    items: fc.array(
      fc.oneof(
        { weight: 5, arbitrary: mutatedRequest },
        { weight: 2, arbitrary: unknownMethod },
        { weight: 3, arbitrary: rawJunk },
        { weight: 1, arbitrary: notification },
        { weight: 1, arbitrary: huge },
      ),
      { minLength: 1, maxLength: 12 },
    ),
  });
}

/** Expands "${probe}" elements and "${workspace}" strings. */
function expand(value: unknown, env: PropertyEnv): unknown {
  if (typeof value === "string") return value === "${workspace}" ? env.workspace : value;
  if (Array.isArray(value)) return value.flatMap((v) => (v === "${probe}" ? env.probe : [expand(v, env)]));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, env)]));
  return value;
}

export function badInputProperty(variant: BadInputVariant): PropertyDef<BadInputCase> {
  return {
    id: `bad-input/${variant}`,
    number: 7,
    title: variant === "junk" ? "bad input never crashes or hangs the server" : "integer ids at the i64 boundaries are answered and echoed",
    defaultRuns: variant === "junk" ? 25 : 6,
    // The i64 variant's requests are command/exec/terminate calls.
    applies: (env) => surfaceApplies(env, "exec", ...(variant === "i64-ids" ? ["follow-up"] : [])),
    arbitrary: (env) => badInputArbitrary(variant, (f) => env.hasFeature(f)),
    async check(env: PropertyEnv, c: BadInputCase): Promise<void> {
      const client = await env.server();
      const violationsBefore = client.violations.length;
      const run = env.nextRun();
      const replies: Promise<Reply | Error>[] = [];
      const usedIds = new Set<string>();
      c.items.forEach((item, i) => {
        if (item.kind === "raw") {
          client.sendOptional(item.line, item.optionalId);
        } else if (item.kind === "deep") {
          const id = `deep${run}.${i}`;
          client.sendOptional(deepLine(id, item.depth), id);
        } else if (item.kind === "notification") {
          client.notify(item.method, expand(item.params, env));
        } else {
          // Ids must be unique on the connection: prefix string ids with the run, offset numbers.
          let id: string | number = typeof item.id === "string" ? `bad${run}.${i}:${item.id}` : item.id;
          let line: string;
          if (item.rawId !== undefined) {
            const key = JSON.stringify(Number(item.rawId));
            if (usedIds.has(key) || client.used(Number(item.rawId))) return;
            usedIds.add(key);
            const params = JSON.stringify(expand(item.params, env));
            line = `{"id":${item.rawId},"method":${JSON.stringify(item.method)},"params":${params}}`;
            id = Number(item.rawId);
          } else {
            if (typeof id === "number") id = run * 1_000_000_000 + i * 10_000_000 + (Math.abs(id) % 10_000_000) * (id < 0 ? -1 : 1) + 5e12;
            const msg: Record<string, unknown> = { id, method: item.method };
            if (item.params !== undefined) msg.params = expand(item.params, env);
            line = JSON.stringify(msg);
          }
          replies.push(client.requestRaw(line, id, item.method, 10_000).catch((e: Error) => e));
        }
      });
      const results = await Promise.all(replies);
      for (const r of results) {
        if (r instanceof ServerGone) fail(`the server exited: ${r.message}\n${client.stderrText().slice(-1500)}`);
        if (r instanceof ReplyTimeout) fail(`a well-formed request got no reply: ${r.message}`);
        if (r instanceof Error) fail(r.message);
      }
      // The next valid request still works.
      const ok = await client
        .request("command/exec", { command: [...env.probe, "out", "still-ok"], sandboxPolicy: { type: "dangerFullAccess" }, cwd: env.workspace }, 20_000)
        .catch((e: Error) => e);
      if (ok instanceof Error) fail(`after the bad input the next valid request failed: ${ok.message}`);
      if (ok.error || (ok.result as { stdout?: unknown }).stdout !== "still-ok") fail(`after the bad input the next valid request answered ${JSON.stringify(ok)}`);
      await sleep(20);
      const v = client.violations.slice(violationsBefore);
      if (v.length) fail(`protocol violations: ${v.slice(0, 3).join("; ")}`);
      if (!client.alive) fail("the server exited");
    },
    // Fixtures hold JSON numbers as doubles: ids beyond 2^53 cannot be written exactly, so the
    // i64 variant has no fixture form (replay it with seed and path).
    fixture: variant === "i64-ids" ? undefined : (c: BadInputCase) => badInputFixture(c, variant),
  };
}

function badInputFixture(c: BadInputCase, variant: BadInputVariant): FixtureInput {
  const steps: FixtureInput["steps"] = [];
  const validator = zodValidator("experimental");
  const stand = (v: unknown): unknown =>
    typeof v === "string" ? v.replace("${probe}", "probe").replace("${workspace}", "/workspace") : Array.isArray(v) ? v.map(stand) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stand(x)])) : v;
  const invalidRequest = (method: string, params: unknown) => validator.request(method, stand(params), params !== undefined).length > 0;
  const invalidNotification = (method: string, params: unknown) => validator.clientNotification(method, stand(params)).length > 0;
  c.items.forEach((item, i) => {
    if (item.kind === "raw") steps.push({ step: "sendRaw", line: item.line });
    else if (item.kind === "deep") steps.push({ step: "sendRaw", line: deepLine(`deep-${i}`, item.depth) });
    else if (item.kind === "notification") {
      steps.push({ step: "notify", method: item.method, ...(item.params === undefined ? {} : { params: item.params }), ...(invalidNotification(item.method, item.params) ? { invalid: true } : {}) });
    }
    else if (item.rawId !== undefined) {
      steps.push({ step: "sendRaw", line: `{"id":${item.rawId},"method":${JSON.stringify(item.method)},"params":${JSON.stringify(item.params)}}` });
    } else {
      const id = typeof item.id === "string" ? `${i}:${item.id}` : item.id + i * 10_000_000;
      steps.push({ step: "send", id, method: item.method, ...(item.params === undefined ? { omitParams: true } : { params: item.params }), ...(invalidRequest(item.method, item.params) ? { invalid: true } : {}) });
      steps.push({ step: "expectResponse", id, withinMs: 20_000 });
    }
  });
  steps.push({ step: "send", id: "still-ok", method: "command/exec", params: { command: ["${probe}", "out", "still-ok"], sandboxPolicy: { type: "dangerFullAccess" }, cwd: "${workspace}" } });
  steps.push({ step: "expectResponse", id: "still-ok", result: { exitCode: 0, stdout: "still-ok" }, withinMs: 20_000 });
  return {
    id: `regression.bad-input.${variant}`,
    title: "bad input regression: every well-formed request is answered once and the server keeps working",
    spec: "codex-app-server-protocol §1.1, §1.2, §3",
    tags: ["regression", "errors", "experimental"],
    handshake: "experimental",
    steps,
  };
}
