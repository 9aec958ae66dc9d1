// Property 1: output caps. Random stdout/stderr sizes and byte patterns (written by the
// probe), a random cap (absent / null / number / disabled) and buffered or streamed
// delivery: exactly the first min(size, cap) bytes arrive, never more, and capReached (and
// process/exited's cap flags) is true exactly when the output reached the cap, and only on
// the final chunk.
import * as fc from "fast-check";
import type { FixtureInput } from "../../fixture/format.ts";
import { fail, surfaceApplies, type PropertyDef, type PropertyEnv } from "../harness.ts";
import {
  checkBufferedText,
  describeBytes,
  effectiveCap,
  expectStream,
  firstDifference,
  utf8Prefix,
  type StreamExpectation,
} from "../model.ts";
import { Run, type CapChoice, type RunOutcome, type StreamOutcome, type Surface } from "../run-process.ts";
import { probeWord } from "./common.ts";

export interface StreamGen {
  size: number;
  pattern: string;
}

export interface OutputCapCase {
  streaming: boolean;
  /** command/exec buffered runs without a processId. */
  idless: boolean;
  cap: CapChoice;
  stdout: StreamGen;
  stderr: StreamGen;
}

/** After the cap is reached a server may stop reading: keep the overshoot below a pipe buffer. */
const MAX_OVERSHOOT = 32 * 1024;

const patternArb = fc
  .string({ unit: "binary", minLength: 1, maxLength: 6 })
  .filter((s) => probeWord(s));

const sizeArb = fc.oneof(
  { weight: 5, arbitrary: fc.nat({ max: 64 }) },
  { weight: 3, arbitrary: fc.nat({ max: 5000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 140_000 }) },
);


/**
 * A pattern as a probe argument, in the escapes the probe undoes (\\ \r \n \t \xHH). Control
 * characters must not travel raw: Deno drops a trailing "\r" from program arguments.
 */
export function probeEscape(pattern: string): string {
  return pattern.replace(/[\\\x00-\x1f\x7f]/g, (c) => {
    if (c === "\\") return "\\\\";
    if (c === "\r") return "\\r";
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}
function capArb(surface: Surface): fc.Arbitrary<CapChoice> {
  const kinds: fc.Arbitrary<CapChoice>[] = [
    fc.constant<CapChoice>({ kind: "absent" }),
    fc.constant<CapChoice>({ kind: "null" }),
    fc.nat({ max: 200_000 }).map<CapChoice>((n) => ({ kind: "number", n })),
    fc.nat({ max: 70 }).map<CapChoice>((n) => ({ kind: "number", n })),
  ];
  if (surface === "exec") kinds.push(fc.constant<CapChoice>({ kind: "disabled" }));
  return fc.oneof(...kinds);
}

/** Keeps the case runnable: sizes near the cap are likely, overshoot is bounded. */
function fitCase(surface: Surface, c: OutputCapCase, nearCap: [number, number]): OutputCapCase {
  const cap = effectiveCap(surface, c.cap);
  const fit = (s: StreamGen, delta: number): StreamGen => {
    let size = s.size;
    if (Number.isFinite(cap) && delta !== 0 && cap + delta >= 0 && cap < 200_000) size = cap + delta;
    if (Number.isFinite(cap) && size > cap + MAX_OVERSHOOT) size = cap + (size % MAX_OVERSHOOT);
    return { ...s, size };
  };
  return { ...c, stdout: fit(c.stdout, nearCap[0]), stderr: fit(c.stderr, nearCap[1]) };
}

/** `streaming`: the implementation claims streaming-output (else every case is buffered). */
export function outputCapArbitrary(surface: Surface, streaming = true): fc.Arbitrary<OutputCapCase> {
  const nearCap = fc.constantFrom(0, 0, 0, -1, 1, 2, -2);
  const around1MiB = fc.integer({ min: -2, max: 2 }).map((d) => 1_048_576 + d);
  return fc
    .record({
      streaming: streaming ? fc.boolean() : fc.constant(false),
      idless: fc.boolean(),
      cap: capArb(surface),
      stdout: fc.record({ size: fc.oneof({ weight: 12, arbitrary: sizeArb }, { weight: 1, arbitrary: around1MiB }), pattern: patternArb }),
      stderr: fc.record({ size: sizeArb, pattern: patternArb }),
      near: fc.tuple(nearCap, nearCap),
    })
    .map(({ near, ...c }) => {
      const fixed = fitCase(surface, c, near);
      if (surface === "process" || fixed.streaming) fixed.idless = false;
      return fixed;
    });
}

export function outputCapArgv(probe: string[], c: OutputCapCase): string[] {
  return [...probe, "outn", String(c.stdout.size), probeEscape(c.stdout.pattern), "errn", String(c.stderr.size), probeEscape(c.stderr.pattern)];
}

function checkStreamed(name: string, got: StreamOutcome, want: StreamExpectation, surface: Surface): void {
  const d = firstDifference(got.streamed, want.bytes);
  if (d >= 0) {
    const over = got.streamed.length > want.bytes.length ? ` (${got.streamed.length - want.bytes.length} bytes more than allowed)` : "";
    fail(`${name}: streamed ${describeBytes(got.streamed)} but expected ${describeBytes(want.bytes)}; first difference at byte ${d}${over}`);
  }
  const flagged = got.chunks.map((c, i) => (c.capReached ? i : -1)).filter((i) => i >= 0);
  if (want.capReached === true) {
    if (flagged.length !== 1 || flagged[0] !== got.chunks.length - 1) {
      fail(`${name}: the output reached the cap, so exactly the final chunk must have capReached; flagged chunks ${JSON.stringify(flagged)} of ${got.chunks.length}`);
    }
  } else if (want.capReached === false && flagged.length > 0) {
    fail(`${name}: the output stayed under the cap but chunk(s) ${JSON.stringify(flagged)} of ${got.chunks.length} have capReached`);
  } else if (want.capReached === undefined && flagged.length > 0 && flagged[0] !== got.chunks.length - 1) {
    fail(`${name}: capReached on a chunk that is not the last one`);
  }
  if (got.text !== "") fail(`${name}: streamed output must not be repeated in the final ${surface === "exec" ? "response" : "process/exited"} (got ${JSON.stringify(got.text.slice(0, 80))})`);
}

function checkBuffered(name: string, got: StreamOutcome, want: StreamExpectation): void {
  if (got.chunks.length > 0) fail(`${name}: ${got.chunks.length} output delta(s) for a buffered run`);
  const problem = checkBufferedText(got.text, want.bytes);
  if (problem) fail(`${name}: ${problem}`);
}

export function checkOutputCap(surface: Surface, c: OutputCapCase, o: RunOutcome): void {
  const cap = effectiveCap(surface, c.cap);
  for (const stream of ["stdout", "stderr"] as const) {
    const gen = c[stream];
    const want = expectStream(gen.size, gen.pattern, cap);
    const got = o[stream];
    if (c.streaming) checkStreamed(stream, got, want, surface);
    else checkBuffered(stream, got, want);
    if (surface === "process" && want.capReached !== undefined && got.capFlag !== want.capReached) {
      fail(`${stream}: process/exited ${stream}CapReached is ${got.capFlag} but the output (${gen.size} bytes, cap ${cap}) ${want.capReached ? "reached" : "did not reach"} the cap`);
    }
  }
  const anyReached = ["stdout", "stderr"].some((s) => c[s as "stdout"].size >= cap);
  if (!anyReached && o.exitCode !== 0) fail(`the probe exited with ${o.exitCode} (expected 0)`);
  if (o.late.length) fail(`${o.late.length} notification(s) after the final ${surface === "exec" ? "response" : "process/exited"}: ${JSON.stringify(o.late[0])}`);
}

function capParams(c: CapChoice): Record<string, unknown> {
  if (c.kind === "null") return { outputBytesCap: null };
  if (c.kind === "number") return { outputBytesCap: c.n };
  if (c.kind === "disabled") return { disableOutputCap: true };
  return {};
}

export function outputCapFixture(surface: Surface, c: OutputCapCase, id: string): FixtureInput {
  const cap = effectiveCap(surface, c.cap);
  const command = ["${probe}", "outn", String(c.stdout.size), probeEscape(c.stdout.pattern), "errn", String(c.stderr.size), probeEscape(c.stderr.pattern)];
  const steps: FixtureInput["steps"] = [];
  const idKey = surface === "exec" ? "processId" : "processHandle";
  const params: Record<string, unknown> = {
    command,
    ...(c.idless ? {} : { [idKey]: "p" }),
    cwd: "${workspace}",
    ...(surface === "exec" ? { sandboxPolicy: { type: "dangerFullAccess" } } : {}),
    ...(c.streaming ? { streamStdoutStderr: true } : {}),
    ...capParams(c.cap),
  };
  steps.push({ step: "send", id: 1, method: surface === "exec" ? "command/exec" : "process/spawn", params });
  if (surface === "process") steps.push({ step: "expectResponse", id: 1, result: { $exact: {} } });
  const expectations = (["stdout", "stderr"] as const).map((stream) => ({ stream, want: expectStream(c[stream].size, c[stream].pattern, cap) }));
  if (c.streaming) {
    for (const { stream, want } of expectations) {
      steps.push({
        step: "expectStream",
        [idKey]: "p",
        stream,
        base64: want.bytes.toString("base64"),
        byteLength: want.bytes.length,
        ...(want.capReached === undefined ? {} : { capReached: want.capReached }),
        until: surface === "exec" ? { response: 1 } : "exited",
        withinMs: 20_000,
      });
    }
  }
  const text = (i: 0 | 1) => {
    if (c.streaming) return "";
    const p = utf8Prefix(expectations[i]!.want.bytes);
    const n = expectations[i]!.want.bytes.length;
    return p.complete ? p.text : { $length: { $gte: 1, $lte: n } };
  };
  if (surface === "exec") {
    steps.push({ step: "expectResponse", id: 1, result: { stdout: text(0), stderr: text(1) }, withinMs: 20_000 });
  } else {
    const flags: Record<string, unknown> = {};
    if (expectations[0]!.want.capReached !== undefined) flags.stdoutCapReached = expectations[0]!.want.capReached;
    if (expectations[1]!.want.capReached !== undefined) flags.stderrCapReached = expectations[1]!.want.capReached;
    steps.push({
      step: "expectNotifications",
      messages: [{ method: "process/exited", params: { processHandle: "p", stdout: text(0), stderr: text(1), ...flags } }],
      withinMs: 20_000,
    });
  }
  return {
    id,
    title: `output cap regression (${surface === "exec" ? "command/exec" : "process/spawn"})`,
    description: `Shrunk by the output-cap property: cap ${JSON.stringify(c.cap)}, ${c.streaming ? "streamed" : "buffered"}.`,
    spec: surface === "exec" ? "codex-app-server-protocol §5.2, §5.5, §5.7" : "codex-app-server-protocol §6.2, §6.4",
    tags: ["regression", "caps", ...(surface === "process" ? ["experimental"] : [])],
    steps,
  };
}

export function outputCapProperty(surface: Surface): PropertyDef<OutputCapCase> {
  return {
    id: `output-cap/${surface}`,
    number: 1,
    title: `output caps (${surface === "exec" ? "command/exec" : "process/spawn"})`,
    defaultRuns: 25,
    experimental: surface === "process",
    applies: (env) => surfaceApplies(env, surface),
    arbitrary: (env) => outputCapArbitrary(surface, env.hasFeature("streaming-output")),
    async check(env: PropertyEnv, c: OutputCapCase): Promise<void> {
      const client = await env.server();
      const n = env.nextRun();
      const pidDir = env.pidDir();
      const run = new Run(client, {
        surface,
        argv: outputCapArgv(env.probe, c),
        id: c.idless ? undefined : `cap-${n}`,
        streaming: c.streaming,
        stdin: false,
        cap: c.cap,
        env: { APP_SERVER_CONFORMANCE_PIDS: pidDir },
        cwd: env.workspace,
      });
      try {
        await run.start();
        const o = await run.outcome(30_000);
        checkOutputCap(surface, c, o);
      } finally {
        run.dispose();
        env.cleanupDir(pidDir);
      }
    },
    fixture: (c) => outputCapFixture(surface, c, "regression.output-cap"),
  };
}

