// `app-server-conformance properties`: the property-based part of the kit as a commander
// command (mounted by the kit's CLI; main.ts runs it standalone).
import { collect, positiveInt, positiveNumber, seedValue } from "../cli/arg-parsers.ts";
import process from "node:process";
import { Command } from "commander";
import { implementationFromOptions, type Implementation } from "../descriptor/implementation.ts";
import { renderReport } from "./report.ts";

export { renderReport };






export interface PropertiesCliOptions {
  server?: string;
  implementation?: string;
  feature?: string[];
  runs?: number;
  seed?: number;
  path?: string;
  property?: string[];
  budget?: number;
  scale?: number;
  regressions?: string | boolean;
  json?: boolean;
  list?: boolean;
  claims?: string;
}

/** The implementation to test: properties start the server themselves, so sockets do not apply. */
export function implementationFrom(opts: { server?: string; implementation?: string; feature?: string[] }): Implementation {
  const impl = implementationFromOptions(opts);
  if (impl.connect !== undefined) throw new Error("properties start the server themselves: give a command line or a descriptor, not ws:// or unix://");
  return impl;
}

export function propertiesCommand(): Command {
  return new Command("properties")
    .description("Generated tests: fast-check drives the server and checks invariants against the kit's own model")
    .option("--server <command line>", "the server to test (stdio JSONL)")
    .option("--implementation <file|name>", "an implementation descriptor (.jsonc), or a bundled one by name: reference, codex")
    .option("--feature <tag>", "claimed feature (repeatable; replaces the descriptor's)", collect)
    .option("--runs <n>", "runs per property (default: each property's own)", positiveInt)
    .option("--scale <factor>", "multiply the default run counts", positiveNumber)
    .option("--seed <seed>", "fast-check seed (printed on every run)", seedValue)
    .option("--path <path>", "replay path from a failure report (with --property)")
    .option("--property <id>", "run only this property or group, e.g. output-cap or output-cap/exec (repeatable)", collect)
    .option("--budget <seconds>", "wall-clock budget for the whole run", positiveNumber)
    .option("--regressions <dir>", "write each shrunk failure as a fixture into this directory (default: nowhere)")
    .option("--no-regressions", "do not write regression fixtures (the default)")
    .option("--claims <file.jsonc>", "property claims, same shape as a descriptor's `properties` member (applied on top of it)")
    .option("--json", "print the report as JSON")
    .option("--list", "list the properties and exit")
    .action(async (opts: PropertiesCliOptions, cmd: Command) => {
      // fast-check (and the properties built on it) load only when properties are used.
      const { allProperties } = await import("./registry.ts");
      if (opts.list) {
        for (const p of allProperties()) process.stdout.write(`${p.id.padEnd(22)} ${p.number}  ${p.title}\n`);
        return;
      }
      let impl: Implementation;
      try {
        impl = implementationFrom(opts);
      } catch (e) {
        cmd.error((e as Error).message, { exitCode: 2 });
      }
      const replayTarget =
        (opts.implementation ? `--implementation ${opts.implementation}` : `--server ${JSON.stringify(opts.server)}`) +
        (opts.claims ? ` --claims ${opts.claims}` : "") +
        (opts.feature?.length ? opts.feature.map((f) => ` --feature ${f}`).join("") : "");
      const { readClaims } = await import("./harness.ts");
      const { runProperties } = await import("./run.ts");
      let claims;
      try {
        claims = readClaims(impl, opts.claims);
      } catch (e) {
        cmd.error(`--claims: ${(e as Error).message}`, { exitCode: 2 });
      }
      const report = await runProperties({
        implementation: impl,
        claims,
        claimsFile: opts.claims,
        runs: opts.runs,
        scale: opts.scale,
        seed: opts.seed,
        path: opts.path,
        only: opts.property,
        budgetMs: opts.budget === undefined ? undefined : opts.budget * 1000,
        regressionsDir: typeof opts.regressions === "string" ? opts.regressions : null,
        replayTarget,
        log: opts.json ? undefined : (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
