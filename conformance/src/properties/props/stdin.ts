// Property 2: stdin. Random binary chunks are written (command/exec/write or
// process/writeStdin), then stdin is closed: the probe's echo equals their concatenation.
// Streamed runs compare raw bytes; buffered runs split a random UTF-8 text at random byte
// offsets (chunk boundaries may cut characters) and compare the final text.
import { Buffer } from "node:buffer";
import * as fc from "fast-check";
import type { FixtureInput } from "../../fixture/format.ts";
import { fail, surfaceApplies, type PropertyDef, type PropertyEnv } from "../harness.ts";
import { describeBytes, describeText, firstDifference } from "../model.ts";
import { Run, type Surface } from "../run-process.ts";

export interface StdinCase {
  streaming: boolean;
  /** The chunks, each written with one request. */
  chunks: Uint8Array[];
  /** Close with the last write ("with-last") or with a separate closeStdin-only write. */
  close: "with-last" | "separate";
}

const binaryChunks = fc.array(
  fc.oneof({ weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 20_000 }) }, { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) }),
  { maxLength: 8 },
);

/** A UTF-8 text split at random byte offsets. */
const textChunks = fc
  .tuple(fc.string({ unit: "binary", maxLength: 400 }), fc.array(fc.nat(), { maxLength: 7 }))
  .map(([text, cuts]) => {
    const bytes = Buffer.from(text, "utf8");
    const offsets = [...new Set(cuts.map((c) => (bytes.length ? c % (bytes.length + 1) : 0)))].sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let prev = 0;
    for (const o of [...offsets, bytes.length]) {
      chunks.push(new Uint8Array(bytes.subarray(prev, o)));
      prev = o;
    }
    return chunks.filter((c, i) => c.length > 0 || i === chunks.length - 1);
  });

/** `streaming`: the implementation claims streaming-output (else only buffered text cases). */
export function stdinArbitrary(streaming = true): fc.Arbitrary<StdinCase> {
  const buffered = fc.record({ streaming: fc.constant(false), chunks: textChunks, close: fc.constantFrom<StdinCase["close"]>("with-last", "separate") });
  if (!streaming) return buffered;
  return fc.oneof(
    fc.record({ streaming: fc.constant(true), chunks: binaryChunks, close: fc.constantFrom<StdinCase["close"]>("with-last", "separate") }),
    buffered,
  );
}

function writes(c: StdinCase): { bytes: Buffer | undefined; close: boolean }[] {
  const list: { bytes: Buffer | undefined; close: boolean }[] = c.chunks.map((ch) => ({ bytes: Buffer.from(ch), close: false }));
  if (c.close === "with-last" && list.length > 0) list[list.length - 1]!.close = true;
  else list.push({ bytes: undefined, close: true });
  return list;
}

export function stdinProperty(surface: Surface): PropertyDef<StdinCase> {
  const idKey = surface === "exec" ? "processId" : "processHandle";
  return {
    id: `stdin/${surface}`,
    number: 2,
    title: `stdin echo (${surface === "exec" ? "command/exec" : "process/spawn"})`,
    defaultRuns: 20,
    experimental: surface === "process",
    applies: (env) => surfaceApplies(env, surface, "streaming-stdin", ...(surface === "exec" ? ["follow-up"] : [])),
    arbitrary: (env) => stdinArbitrary(env.hasFeature("streaming-output")),
    async check(env: PropertyEnv, c: StdinCase): Promise<void> {
      const client = await env.server();
      const pidDir = env.pidDir();
      const run = new Run(client, {
        surface,
        argv: [...env.probe, "echo"],
        id: `stdin-${env.nextRun()}`,
        streaming: c.streaming,
        stdin: true,
        cap: surface === "exec" ? { kind: "disabled" } : { kind: "null" },
        env: { APP_SERVER_CONFORMANCE_PIDS: pidDir },
        cwd: env.workspace,
      });
      try {
        await run.start();
        for (const w of writes(c)) {
          const r = await run.write(w.bytes, w.close);
          if (r.error) fail(`write ${w.bytes ? describeBytes(w.bytes) : ""}${w.close ? " +closeStdin" : ""} failed: ${JSON.stringify(r.error)}`);
          if (JSON.stringify(r.result) !== "{}") fail(`write answered ${JSON.stringify(r.result)} instead of {}`);
        }
        const o = await run.outcome(20_000);
        const want = Buffer.concat(c.chunks.map((ch) => Buffer.from(ch)));
        if (c.streaming) {
          const d = firstDifference(o.stdout.streamed, want);
          if (d >= 0) fail(`echo ${describeBytes(o.stdout.streamed)} differs from the written ${describeBytes(want)} at byte ${d}`);
        } else if (o.stdout.text !== want.toString("utf8")) {
          fail(`echo ${describeText(o.stdout.text)} differs from the written ${describeText(want.toString("utf8"))}`);
        }
        if (o.exitCode !== 0) fail(`the probe exited with ${o.exitCode}`);
      } finally {
        run.dispose();
        env.cleanupDir(pidDir);
      }
    },
    fixture(c: StdinCase, _env: PropertyEnv): FixtureInput {
      const want = Buffer.concat(c.chunks.map((ch) => Buffer.from(ch)));
      const method = surface === "exec" ? "command/exec" : "process/spawn";
      const steps: FixtureInput["steps"] = [
        {
          step: "send",
          id: 1,
          method,
          params: {
            command: ["${probe}", "echo"],
            [idKey]: "p",
            cwd: "${workspace}",
            streamStdin: true,
            ...(c.streaming ? { streamStdoutStderr: true } : {}),
            ...(surface === "exec" ? { disableOutputCap: true, sandboxPolicy: { type: "dangerFullAccess" } } : { outputBytesCap: null }),
          },
        },
      ];
      if (surface === "process") steps.push({ step: "expectResponse", id: 1, result: { $exact: {} } });
      writes(c).forEach((w, i) => {
        steps.push({
          step: "send",
          id: 10 + i,
          method: surface === "exec" ? "command/exec/write" : "process/writeStdin",
          params: { [idKey]: "p", ...(w.bytes ? { deltaBase64: w.bytes.toString("base64") } : {}), ...(w.close ? { closeStdin: true } : {}) },
        });
        steps.push({ step: "expectResponse", id: 10 + i, result: { $exact: {} } });
      });
      if (c.streaming) {
        steps.push({ step: "expectStream", [idKey]: "p", stream: "stdout", base64: want.toString("base64"), until: surface === "exec" ? { response: 1 } : "exited" });
      }
      const text = c.streaming ? "" : want.toString("utf8");
      if (surface === "exec") steps.push({ step: "expectResponse", id: 1, result: { exitCode: 0, stdout: text } });
      else steps.push({ step: "expectNotifications", messages: [{ method: "process/exited", params: { processHandle: "p", exitCode: 0, stdout: text } }] });
      return {
        id: "regression.stdin",
        title: `stdin echo regression (${method})`,
        spec: surface === "exec" ? "codex-app-server-protocol §5.4" : "codex-app-server-protocol §6.3",
        tags: ["regression", "stdin", ...(surface === "process" ? ["experimental"] : [])],
        steps,
      };
    },
  };
}
