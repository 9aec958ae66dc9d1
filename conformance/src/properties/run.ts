// runProperties: drives every property with fast-check against one implementation, with a
// run budget, a reproducible seed, replay by (seed, path), shrinking, and a regression
// fixture for each shrunk failure.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import process from "node:process";
import * as fc from "fast-check";
import { Fixture, type FixtureInput } from "../fixture/format.ts";
import { drawSeed, type PropertiesReport, type PropertyResult } from "./report.ts";
import type { Implementation } from "../descriptor/implementation.ts";
import { packageRoot, probeArgv } from "../probe/probe-path.ts";
import { PropertyEnv, readClaims, type PropertyClaims, type PropertyDef } from "./harness.ts";
import { allProperties } from "./registry.ts";

export interface RunPropertiesOptions {
  implementation: Implementation;
  /** Descriptor claims (default: read from implementation.file, then claimsFile). */
  claims?: PropertyClaims;
  /** A JSONC file with claims in the shape of a descriptor's `properties` member. */
  claimsFile?: string;
  /** Runs per property (default: each property's own default, scaled by `scale`). */
  runs?: number;
  /** Multiplies the default run counts (e.g. 0.2 for a quick pass). Ignored when `runs` is given. */
  scale?: number;
  /** Wall-clock budget for the whole run in ms; each property gets a share (interrupts count as passes with fewer runs). */
  budgetMs?: number;
  /** The fast-check seed (default: random); every property uses it. */
  seed?: number;
  /** Replay path from a failure report (needs exactly one selected property). */
  path?: string;
  /** Property ids or prefixes to run (default: all). */
  only?: string[];
  /**
   * Where shrunk failures are written as fixtures (default: nowhere). The kit never writes
   * into its own corpus or package: only into a directory the user names.
   */
  regressionsDir?: string | null;
  /** The probe argv (default: the kit's probe). */
  probe?: string[];
  /** Progress lines. */
  log?: (line: string) => void;
  /** How the server was named on the command line (used in replay hints). */
  replayTarget?: string;
  /** Limit on shrinking time in ms (default 60 s). */
  shrinkBudgetMs?: number;
  /** Stop after the first property that fails or errors (`mutants`: the first one kills). */
  bail?: boolean;
}

export { RUN_DEFAULTS, type PropertiesReport, type PropertyResult, type PropertyStatus } from "./report.ts";

function selected(defs: PropertyDef<unknown>[], only: string[] | undefined): PropertyDef<unknown>[] {
  if (!only?.length) return defs;
  return defs.filter((d) => only.some((o) => d.id === o || d.id.startsWith(`${o}/`) || String(d.number) === o));
}

function fixtureId(def: PropertyDef<unknown>, seed: number, path: string | undefined): string {
  const h = createHash("sha256").update(`${def.id}:${seed}:${path ?? ""}`).digest("hex").slice(0, 8);
  return `regression.${def.id.replace(/[^a-z0-9]+/g, "-")}.${h}`;
}

/** The replay path fc.commands prints in its counterexamples (`/*replayPath="..."*\/`). */
function commandsReplayPath(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || typeof (value as { toString?: unknown }).toString !== "function") return undefined;
  try {
    return /replayPath="([^"]*)"/.exec(String(value))?.[1];
  } catch {
    return undefined;
  }
}

function stringify(value: unknown): string {
  try {
    const s = fc.stringify(value).replaceAll("__proto__:null,", "");
    return s.length > 4000 ? `${s.slice(0, 4000)}…` : s;
  } catch {
    return String(value);
  }
}

/** Writes a shrunk failure as a fixture; returns the file or a problem. */
export function writeRegressionFixture(
  dir: string,
  input: FixtureInput,
  header: string[],
): { file: string } | { problem: string } {
  const parsed = Fixture.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `the generated fixture is invalid: ${issue.path.join(".")}: ${issue.message}` };
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${input.id}.jsonc`);
  const schema = relative(dir, join(packageRoot(), "fixtures", "fixture.schema.json")).split(sep).join("/");
  const body = JSON.stringify({ $schema: schema, ...input }, null, 2);
  writeFileSync(file, `${header.map((l) => `// ${l}`).join("\n")}\n${body}\n`);
  return { file };
}

export function replayCommand(target: string, id: string, seed: number, path: string | undefined): string {
  return `app-server-conformance properties ${target} --property ${id} --seed ${seed}${path ? ` --path ${path}` : ""}`;
}

export async function runProperties(o: RunPropertiesOptions): Promise<PropertiesReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const seed = o.seed ?? drawSeed();
  const defs = selected(allProperties() as PropertyDef<unknown>[], o.only);
  if (o.path !== undefined && defs.length !== 1) {
    throw new Error(`--path replays one property: select exactly one with --property (matched ${defs.length})`);
  }
  const claims = o.claims ?? readClaims(o.implementation, o.claimsFile);
  const probe = o.probe ?? probeArgv();
  const target =
    o.replayTarget ??
    (o.implementation.file ? `--implementation ${relative(process.cwd(), o.implementation.file)}` : `--server ${JSON.stringify(o.implementation.argv.join(" "))}`) +
      (o.claimsFile ? ` --claims ${relative(process.cwd(), o.claimsFile)}` : "");
  const regressionsDir = o.regressionsDir ?? null;
  const env = new PropertyEnv(o.implementation, claims, probe);
  const results: PropertyResult[] = [];
  try {
    // A server that cannot start is an error for every property, never a skip.
    try {
      await env.server();
    } catch (e) {
      const message = `${(e as Error).message}${o.implementation.setupHint ? `\n${o.implementation.setupHint}` : ""}`;
      log(`error: ${message}`);
      for (const def of defs) {
        results.push({ id: def.id, number: def.number, title: def.title, status: "error", runs: 0, plannedRuns: 0, interrupted: false, seed, message, durationMs: 0 });
      }
      return { implementation: o.implementation.name, seed, results, ok: false, durationMs: Date.now() - started };
    }
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      const t0 = Date.now();
      const base = { id: def.id, number: def.number, title: def.title, seed, runs: 0, interrupted: false, note: def.note?.(env) };
      const planned = o.runs ?? Math.max(1, Math.round(def.defaultRuns * (o.scale ?? 1)));
      const skipClaim = claims.skip[def.id] ?? claims.skip[def.id.split("/")[0]!];
      let skipReason: string | undefined = skipClaim ? `the implementation descriptor skips it: ${skipClaim}` : undefined;
      if (!skipReason) {
        try {
          skipReason = await def.applies(env);
        } catch (e) {
          results.push({ ...base, status: "error", plannedRuns: planned, message: `applicability check failed: ${(e as Error).message}`, durationMs: Date.now() - t0 });
          log(`error ${def.id}: ${(e as Error).message}`);
          if (o.bail) break;
          continue;
        }
      }
      if (skipReason) {
        results.push({ ...base, status: "skip", plannedRuns: planned, skipReason, durationMs: Date.now() - t0 });
        log(`skip  ${def.id}: ${skipReason}`);
        continue;
      }
      let remainingBudget: number | undefined;
      if (o.budgetMs !== undefined) {
        const left = o.budgetMs - (Date.now() - started);
        remainingBudget = Math.max(2000, Math.floor(left / (defs.length - i)));
      }
      // Shrinking re-runs candidates against the server; after the shrink budget, candidates
      // are accepted as passing without running, so fast-check stops at the best case so far.
      let firstFailureAt: number | undefined;
      let stderrTail: string | undefined;
      const shrinkBudget = o.shrinkBudgetMs ?? 60_000;
      // A path may carry fc.commands' own replay path after "@" (model-based properties).
      const [fcPath, commandsReplay] = o.path === undefined ? [undefined, undefined] : o.path.split("@", 2);
      const prop = fc.asyncProperty(def.arbitrary(env, commandsReplay), async (value) => {
        if (firstFailureAt !== undefined && Date.now() - firstFailureAt > shrinkBudget) return;
        try {
          await def.check(env, value);
        } catch (e) {
          firstFailureAt ??= Date.now();
          // The last failing case is the shrunk one: keep the server's stderr of that one.
          stderrTail = env.stderrTail();
          throw e;
        }
      });
      const details = await fc.check(prop, {
        numRuns: planned,
        seed,
        ...(fcPath !== undefined ? { path: fcPath, endOnFailure: true } : {}),
        ...(remainingBudget !== undefined ? { interruptAfterTimeLimit: remainingBudget, markInterruptAsFailure: false } : {}),
      });
      const runs = details.numRuns + (details.failed ? 1 : 0);
      if (!details.failed) {
        results.push({ ...base, status: "pass", runs, plannedRuns: planned, interrupted: details.interrupted, durationMs: Date.now() - t0 });
        log(`pass  ${def.id} (${runs}${details.interrupted ? ` of ${planned}, time budget reached` : ""} runs)${base.note ? ` — ${base.note}` : ""}`);
        continue;
      }
      const cex = details.counterexample?.[0];
      const commandsReplay2 = commandsReplayPath(cex);
      const path = details.counterexamplePath === null || details.counterexamplePath === undefined ? undefined : `${details.counterexamplePath}${commandsReplay2 ? `@${commandsReplay2}` : ""}`;
      const message = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? "the property failed");
      const replay = replayCommand(target, def.id, seed, path);
      const r: PropertyResult = {
        ...base,
        status: "fail",
        runs,
        plannedRuns: planned,
        interrupted: details.interrupted,
        path,
        counterexample: cex === undefined ? undefined : stringify(cex),
        message,
        ...(stderrTail ? { stderrTail } : {}),
        replay,
        durationMs: Date.now() - t0,
      };
      if (cex !== undefined && def.fixture && regressionsDir !== null) {
        try {
          const input = def.fixture(cex, env);
          if (input) {
            input.id = fixtureId(def, seed, path);
            const written = writeRegressionFixture(resolve(regressionsDir), input, [
              `Shrunk failure of property ${def.number} (${def.id}) against ${o.implementation.name}.`,
              `Found with seed ${seed}, path ${path ?? "(none)"} after ${details.numShrinks} shrink(s).`,
              `Replay: ${replay}`,
              `Failure: ${message.split("\n")[0]!.slice(0, 300)}`,
            ]);
            if ("file" in written) r.fixtureFile = relative(process.cwd(), written.file) || written.file;
            else r.message += `\n(${written.problem})`;
          }
        } catch (e) {
          r.message += `\n(could not write the regression fixture: ${(e as Error).message})`;
        }
      }
      results.push(r);
      // Progress only: the counterexample, replay command and stderr are in the report (once).
      log(`FAIL  ${def.id}: ${message.split("\n")[0]}`);
      if (o.bail) break;
    }
  } finally {
    await env.close();
  }
  const ok = results.every((r) => r.status === "pass" || r.status === "skip");
  return { implementation: o.implementation.name, seed, results, ok, durationMs: Date.now() - started };
}
