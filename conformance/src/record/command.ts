// `app-server-conformance record`: a hand-written request script -> a fixture of what the oracle answered.
import process from "node:process";
import { Command } from "commander";
import { implementationArg } from "../differential/command.ts";
import { SetupError } from "../descriptor/implementation.ts";
import { probeArgv } from "../probe/probe-path.ts";

export function recordCommand(): Command {
  return new Command("record")
    .description(
      "Play a request script (JSONC: {area, handshake, actions: [{do: send|notify|raw|awaitResponse|awaitOutput|awaitExited, ...}]}) against the server " +
        "and write a fixture whose expectations are what it answered, with ${workspace}/${probe} and matchers for volatile values. " +
        "The fixture is linted and run against the server as written; exit 1 when that fails, 2 on a usage or setup error. See docs/differential.md.",
    )
    .requiredOption("--script <session.jsonc>", "the request script")
    .option("--server <cmd|descriptor>", "the oracle to record: a command line, a descriptor .jsonc, or a built-in name", "codex")
    .option("--out <dir>", "where the fixture is written", ".")
    .action(async (opts) => {
      try {
        const oracle = implementationArg(opts.server);
        const { recordScript } = await import("./record.ts");
        const { file, problems } = await recordScript(opts.script, { dir: opts.out, oracle, probe: probeArgv() });
        process.stdout.write(`${file}\n`);
        for (const p of problems) process.stderr.write(`record: ${p}\n`);
        process.exitCode = problems.length ? 1 : 0;
      } catch (e) {
        if (e instanceof SetupError) {
          process.stderr.write(`record: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw e;
      }
    });
}
