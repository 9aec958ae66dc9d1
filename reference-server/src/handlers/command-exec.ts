// command/exec and its follow-ups: semantic validation in upstream's order, then the
// engine. Type errors never get here (decodeRequest turned them into -32600).
import { resolve } from "node:path";
import {
  Messages,
  internalError,
  invalidParams,
  invalidRequest,
  type CommandExecParams,
  type CommandExecResizeParams,
  type CommandExecTerminateParams,
  type CommandExecWriteParams,
} from "../../../schema/src/index.ts";
import { startProcess } from "../engine/run.ts";
import { PtyUnavailableError } from "../engine/pty-loader.ts";
import { SpawnError, type RunOutcome, type RunningProcess } from "../engine/types.ts";
import { checkProgram } from "../engine/program-lookup.ts";
import { resolveCommandPermissions, type SandboxPlan } from "../permissions/index.ts";
import { wrapCommand, type WrappedCommand } from "../sandbox/backends/index.ts";
import type { ExecEntry, Session } from "../session.ts";
import { outputText } from "../util/text.ts";
import { applyWrite, decodeWritePayload } from "./write-payload.ts";
import { fail, ok, type HandlerOutcome, type Reply } from "./types.ts";
import { log } from "../log.ts";

/** The child environment: the server's, with `null` overrides removing variables. */
export function childEnv(overrides: Record<string, string | null> | null | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * As Codex: a command whose network is restricted (managed or external) sees
 * `CODEX_SANDBOX_NETWORK_DISABLED=1`, set after the request's `env` overrides (an override
 * or `null` cannot clear it). With the network on, the variable is left as inherited or
 * overridden. `CODEX_NETWORK_PROXY_ACTIVE` is set only by a managed network proxy, which this
 * server does not run, so the child sees it only when inherited or overridden.
 */
export function markNetworkDisabled(env: Record<string, string>, plan: SandboxPlan): void {
  if (plan.kind !== "none" && !plan.network) env.CODEX_SANDBOX_NETWORK_DISABLED = "1";
}

function execResponse(outcome: RunOutcome): Reply {
  return ok({ exitCode: outcome.exitCode, stdout: outputText(outcome.stdout), stderr: outputText(outcome.stderr) });
}

export async function commandExec(session: Session, params: CommandExecParams): Promise<HandlerOutcome> {
  const config = session.config;
  if (config.localExecutionDisabled) return fail(internalError(Messages.localEnvironmentNotConfigured));
  if (params.command.length === 0) return fail(invalidRequest(Messages.commandEmpty));
  const profile = params.permissionProfile ?? null;
  const policy = params.sandboxPolicy ?? null;
  if (profile !== null && policy !== null) return fail(invalidRequest(Messages.profileWithSandboxPolicy));
  const tty = params.tty === true;
  const size = params.size ?? null;
  if (size !== null && !tty) return fail(invalidParams(Messages.execSizeRequiresTty));
  const cap = params.outputBytesCap ?? null;
  if (params.disableOutputCap === true && cap !== null) return fail(invalidParams(Messages.execCapConflict));
  const timeoutMs = params.timeoutMs ?? null;
  if (params.disableTimeout === true && timeoutMs !== null) return fail(invalidParams(Messages.execTimeoutConflict));
  if (timeoutMs !== null && timeoutMs < 0) return fail(invalidParams(Messages.execNegativeTimeout(timeoutMs)));
  const cwd = resolve(config.cwd, params.cwd ?? ".");
  const env = childEnv(params.env);
  const permissions = resolveCommandPermissions(config.permissions, {
    sandboxPolicy: policy,
    permissionProfile: profile,
    serverCwd: config.cwd,
    commandCwd: cwd,
    env: { TMPDIR: env.TMPDIR },
  });
  if (!permissions.ok) return fail(invalidRequest(permissions.error.message));
  markNetworkDisabled(env, permissions.value.plan);
  if (size !== null && (size.rows === 0 || size.cols === 0)) return fail(invalidParams(Messages.execSizeZero));
  // Building the sandboxed request (upstream's step 12): an unenforceable plan is refused,
  // never run unsandboxed.
  const wrapped = await wrapCommand(permissions.value.plan, params.command, { cwd, pty: tty, env });
  if (wrapped.kind === "refused") return fail(internalError(Messages.execFailed(wrapped.message)));
  // The sandbox's host-side placeholders go once the child is gone (or never started).
  let outcome: HandlerOutcome;
  try {
    outcome = await runWrapped(session, params, wrapped, cwd, env);
  } catch (error) {
    wrapped.cleanup();
    throw error;
  }
  if (!("deferred" in outcome)) {
    wrapped.cleanup();
    return outcome;
  }
  return { deferred: outcome.deferred.finally(() => wrapped.cleanup()) };
}

async function runWrapped(
  session: Session,
  params: CommandExecParams,
  wrapped: WrappedCommand,
  cwd: string,
  env: Record<string, string>,
): Promise<HandlerOutcome> {
  const config = session.config;
  const tty = params.tty === true;
  const size = params.size ?? null;
  const cap = params.outputBytesCap ?? null;
  const timeoutMs = params.timeoutMs ?? null;
  const streamOutput = tty || params.streamStdoutStderr === true;
  const streamStdin = tty || params.streamStdin === true;
  const processId = params.processId ?? null;
  if ((streamOutput || streamStdin) && processId === null) return fail(invalidRequest(Messages.execStreamingNeedsId));
  if (processId !== null && session.execs.has(processId)) return fail(invalidRequest(Messages.execDuplicateId(processId)));
  if (wrapped.backend !== "none") {
    // The sandbox launcher would report a missing program only as an exit status.
    try {
      checkProgram(params.command[0]!, cwd, env);
    } catch (error) {
      if (error instanceof SpawnError) return fail(internalError(Messages.execSpawnFailed(error.message)));
      throw error;
    }
  }

  let markFinished!: () => void;
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  const entry: ExecEntry = { process: undefined, streamStdin, stdinClosed: false, finished };
  if (processId !== null) session.execs.set(processId, entry);
  const release = () => {
    if (processId !== null && session.execs.get(processId) === entry) session.execs.delete(processId);
    // After the answer went out (it is sent in this same turn).
    setImmediate(markFinished);
  };
  let child;
  try {
    child = await startProcess(
      {
        argv: wrapped.argv,
        cwd,
        env: wrapped.env ?? env,
        io: tty ? { kind: "pty", ...(size ?? config.defaultPtySize) } : { kind: "pipes", stdin: streamStdin },
      },
      {
        outputBytesCap: params.disableOutputCap === true ? null : (cap ?? config.defaultOutputBytesCap),
        timeoutMs: params.disableTimeout === true ? null : (timeoutMs ?? config.defaultTimeoutMs),
        stream: streamOutput,
        drainTimeoutMs: config.drainTimeoutMs,
      },
      (stream, bytes, capReached) =>
        session.notifyOutputDelta("command/exec/outputDelta", "processId", processId ?? "", stream, bytes, capReached),
    );
  } catch (error) {
    release();
    if (error instanceof PtyUnavailableError) return fail(invalidRequest(error.message));
    if (error instanceof SpawnError) return fail(internalError(Messages.execSpawnFailed(error.message)));
    log("error", `command/exec spawn: ${String(error)}`);
    return fail(internalError(Messages.execSpawnFailed(String(error))));
  }
  entry.process = child;
  session.track(child);
  return {
    deferred: child.outcome.then((outcome) => {
      release();
      return execResponse(outcome);
    }),
  };
}

type LiveEntry = ExecEntry & { process: RunningProcess };
type Lookup = { ok: true; entry: LiveEntry } | { ok: false; reply: Reply };

/**
 * Finds a running process. Like Codex, a request about a process that has exited but is
 * still draining its output waits until the command/exec answer is out, then gets "no
 * longer running" (and holds the id's queue meanwhile, so later ones find no process).
 */
async function lookup(session: Session, processId: string): Promise<Lookup> {
  const entry = session.execs.get(processId);
  if (entry === undefined || entry.process === undefined) {
    return { ok: false, reply: fail(invalidRequest(Messages.execUnknownId(processId))) };
  }
  if (!entry.process.running) {
    await entry.finished;
    return { ok: false, reply: fail(invalidRequest(Messages.execNotRunning(processId))) };
  }
  return { ok: true, entry: entry as LiveEntry };
}

export async function commandExecWrite(session: Session, params: CommandExecWriteParams): Promise<HandlerOutcome> {
  const payload = decodeWritePayload(params, Messages.execWriteNeedsPayload);
  if (!payload.ok) return payload.reply;
  const { bytes, close } = payload;
  const found = await lookup(session, params.processId);
  if (!found.ok) return found.reply;
  const { entry } = found;
  if (!entry.streamStdin) return fail(invalidRequest(Messages.execStdinNotEnabled));
  return applyWrite(entry, bytes, close);
}

export async function commandExecResize(session: Session, params: CommandExecResizeParams): Promise<Reply> {
  if (params.size.rows === 0 || params.size.cols === 0) return fail(invalidParams(Messages.execSizeZero));
  const found = await lookup(session, params.processId);
  if (!found.ok) return found.reply;
  try {
    found.entry.process.resize(params.size.rows, params.size.cols);
  } catch (error) {
    return fail(invalidRequest(Messages.resizeFailed(error instanceof Error ? error.message : String(error))));
  }
  return ok({});
}

export async function commandExecTerminate(session: Session, params: CommandExecTerminateParams): Promise<Reply> {
  const found = await lookup(session, params.processId);
  if (!found.ok) return found.reply;
  found.entry.process.terminate();
  return ok({});
}
