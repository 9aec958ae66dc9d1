// Before the corpus runs, the kit starts the server once and does the handshake: a server
// that cannot start (or cannot finish initialize) is a setup problem reported once, with
// the command, how it ended and its stderr, instead of one failure per fixture.
import { Fixture } from "../fixture/format.ts";
import { SetupError, type Implementation } from "../descriptor/implementation.ts";
import { runFixture, type FixtureResult } from "./run-fixture.ts";

const PREFLIGHT = Fixture.parse({
  id: "kit.preflight",
  title: "the server starts and answers initialize",
  spec: "codex-app-server-protocol §2",
  handshake: "stable",
  steps: [{ step: "sleep", ms: 0 }],
});

function stderrTail(r: FixtureResult, lines = 15): string {
  const text = r.transcript.flatMap((e) => (e.dir === "stderr" ? [e.text] : [])).join("");
  const tail = text.trimEnd().split("\n").slice(-lines);
  return tail.length && tail[0] !== "" ? tail.map((l) => `    ${l}`).join("\n") : "    (nothing)";
}

/** Throws a SetupError describing why the server could not be started or initialized. */
export async function preflight(impl: Implementation, probe: string[], timeoutMultiplier: number): Promise<void> {
  const r = await runFixture(PREFLIGHT, {
    server: {
      argv: impl.argv,
      env: impl.env,
      ...(impl.launch !== undefined ? { launch: impl.launch } : {}),
      ...(impl.connect !== undefined ? { connect: impl.connect } : {}),
    },
    probe,
    timeoutMultiplier,
  });
  const setup = r.failures.find((f) => f.step === "harness" || f.step === "handshake");
  if (!setup) return;
  const command = impl.connect !== undefined ? impl.name : impl.argv.map((a) => (/[\s"'\\]/.test(a) ? JSON.stringify(a) : a)).join(" ");
  const ended = r.serverExit
    ? `exited with ${r.serverExit.signal ? `signal ${r.serverExit.signal}` : `status ${r.serverExit.code}`}`
    : "was still running (the kit stopped it)";
  const why = setup.message.split("\n")[0]!.replace(/^could not start the server: /, "");
  throw new SetupError(
    [
      `the server could not ${setup.step === "handshake" ? "finish the handshake" : "start"}: ${why}`,
      `  command: ${command}`,
      `  the server ${ended}`,
      "  its stderr (last lines):",
      stderrTail(r),
      ...(impl.setupHint ? [`  ${impl.setupHint}`] : []),
    ].join("\n"),
  );
}
