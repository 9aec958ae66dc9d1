// Property 3: environment. Random set/unset overrides over variables the server inherited
// and variables it did not: the child sees exactly the merged environment (overrides win,
// null removes, everything else is inherited unchanged).
import * as fc from "fast-check";
import type { FixtureInput } from "../../fixture/format.ts";
import { fail, surfaceApplies, type PropertyDef, type PropertyEnv } from "../harness.ts";
import { mergedEnv, parseProbeEnv } from "../model.ts";
import { Run, type Surface } from "../run-process.ts";

export interface EnvCase {
  overrides: Record<string, string | null>;
  streaming: boolean;
}

/** Names the kit observes: the inherited ones plus some the server does not have. */
export const OBSERVED_NAMES = [
  "ASC_PROP_INHERITED_A",
  "ASC_PROP_INHERITED_B",
  "ASC_PROP_INHERITED_C",
  "ASC_PROP_NEW_X",
  "ASC_PROP_NEW_Y",
  "asc_prop_lower",
  "ASC_PROP_NEVER",
];

const valueArb = fc.oneof(
  fc.constant(""),
  fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !/[\0\n\r]/.test(s)),
  fc.string({ unit: "grapheme-ascii", maxLength: 20 }).filter((s) => !/[\0\n\r]/.test(s)),
);

/** `streaming`: the implementation claims streaming-output (else every case is buffered). */
export function envArbitrary(streaming = true): fc.Arbitrary<EnvCase> {
  const settable = OBSERVED_NAMES.filter((n) => n !== "ASC_PROP_NEVER");
  return fc.record({
    overrides: fc.dictionary(fc.constantFrom(...settable), fc.option(valueArb, { nil: null, freq: 3 }), { maxKeys: settable.length }),
    streaming: streaming ? fc.boolean() : fc.constant(false),
  });
}

export function envProperty(surface: Surface): PropertyDef<EnvCase> {
  const idKey = surface === "exec" ? "processId" : "processHandle";
  return {
    id: `env/${surface}`,
    number: 3,
    title: `environment overrides (${surface === "exec" ? "command/exec" : "process/spawn"})`,
    defaultRuns: 20,
    experimental: surface === "process",
    applies: (env) => surfaceApplies(env, surface),
    arbitrary: (env) => envArbitrary(env.hasFeature("streaming-output")),
    async check(env: PropertyEnv, c: EnvCase): Promise<void> {
      const client = await env.server();
      const pidDir = env.pidDir();
      const run = new Run(client, {
        surface,
        argv: [...env.probe, "env", ...OBSERVED_NAMES],
        id: `env-${env.nextRun()}`,
        streaming: c.streaming,
        stdin: false,
        cap: { kind: "absent" },
        env: { ...c.overrides, APP_SERVER_CONFORMANCE_PIDS: pidDir },
        cwd: env.workspace,
      });
      try {
        await run.start();
        const o = await run.outcome(20_000);
        const text = c.streaming ? o.stdout.streamed.toString("utf8") : o.stdout.text;
        const seen = parseProbeEnv(text, OBSERVED_NAMES);
        if (typeof seen === "string") fail(seen);
        const want = mergedEnv(env.inherited, c.overrides, OBSERVED_NAMES);
        const diffs: string[] = [];
        for (const name of OBSERVED_NAMES) {
          const w = want.get(name);
          const s = seen.get(name);
          if (w !== s) diffs.push(`${name}: expected ${w === undefined ? "unset" : JSON.stringify(w)}, child saw ${s === undefined ? "unset" : JSON.stringify(s)}`);
        }
        if (diffs.length) fail(`the child's environment differs from the merged one:\n  ${diffs.join("\n  ")}`);
      } finally {
        run.dispose();
        env.cleanupDir(pidDir);
      }
    },
    fixture(c: EnvCase, env: PropertyEnv): FixtureInput {
      const want = mergedEnv(env.inherited, c.overrides, OBSERVED_NAMES);
      const expected = OBSERVED_NAMES.map((n) => (want.get(n) === undefined ? `${n} unset\n` : `${n}=${want.get(n)}\n`)).join("");
      const method = surface === "exec" ? "command/exec" : "process/spawn";
      const steps: FixtureInput["steps"] = [
        {
          step: "send",
          id: 1,
          method,
          params: {
            command: ["${probe}", "env", ...OBSERVED_NAMES],
            [idKey]: "p",
            cwd: "${workspace}",
            env: c.overrides,
            ...(c.streaming ? { streamStdoutStderr: true } : {}),
            ...(surface === "exec" ? { sandboxPolicy: { type: "dangerFullAccess" } } : {}),
          },
        },
      ];
      if (surface === "process") steps.push({ step: "expectResponse", id: 1, result: { $exact: {} } });
      if (c.streaming) steps.push({ step: "expectStream", [idKey]: "p", stream: "stdout", text: expected, until: surface === "exec" ? { response: 1 } : "exited" });
      const out = c.streaming ? "" : expected;
      if (surface === "exec") steps.push({ step: "expectResponse", id: 1, result: { exitCode: 0, stdout: out } });
      else steps.push({ step: "expectNotifications", messages: [{ method: "process/exited", params: { processHandle: "p", exitCode: 0, stdout: out } }] });
      return {
        id: "regression.env",
        title: `environment regression (${method})`,
        spec: surface === "exec" ? "codex-app-server-protocol §5.7" : "codex-app-server-protocol §6.2",
        tags: ["regression", "env", ...(surface === "process" ? ["experimental"] : [])],
        setup: { env: env.inherited },
        steps,
      };
    },
  };
}
