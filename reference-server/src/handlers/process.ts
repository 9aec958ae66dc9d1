// The experimental process/* family: unsandboxed host processes under client-chosen,
// connection-scoped handles. Shares the engine with command/exec; differs in that
// process/spawn answers `{}` as soon as the child runs and the outcome arrives later as a
// `process/exited` notification, and in the tri-state `outputBytesCap` / `timeoutMs`
// (absent: server default, null: none, number: that value).
import {
  Messages,
  internalError,
  invalidParams,
  invalidRequest,
  type ProcessExitedNotification,
  type ProcessKillParams,
  type ProcessResizePtyParams,
  type ProcessSpawnParams,
  type ProcessWriteStdinParams,
} from "../../../schema/src/index.ts";
import { startProcess } from "../engine/run.ts";
import { PtyUnavailableError } from "../engine/pty-loader.ts";
import { SpawnError, type RunOutcome, type RunningProcess } from "../engine/types.ts";
import type { Session } from "../session.ts";
import { outputText, type LargeText } from "../util/text.ts";
import { childEnv } from "./command-exec.ts";
import { applyWrite, decodeWritePayload } from "./write-payload.ts";
import { fail, ok, type HandlerOutcome, type Reply } from "./types.ts";
import { log } from "../log.ts";

interface ProcessEntry {
  /** Undefined while the child is being spawned (the handle is reserved). */
  process: RunningProcess | undefined;
  streamStdin: boolean;
  stdinClosed: boolean;
}

/**
 * Each connection's active handles. A handle is active from its registration until its
 * `process/exited` is sent (or at once when the spawn fails).
 */
const registries = new WeakMap<Session, Map<string, ProcessEntry>>();

function handlesOf(session: Session): Map<string, ProcessEntry> {
  let handles = registries.get(session);
  if (handles === undefined) {
    handles = new Map();
    registries.set(session, handles);
  }
  return handles;
}

/** Tri-state: `undefined` is the default, `null` is "none", a number is itself. */
function triState(value: number | null | undefined, fallback: number): number | null {
  return value === undefined ? fallback : value;
}

type ExitedParams = Omit<ProcessExitedNotification, "stdout" | "stderr"> & { stdout: string | LargeText; stderr: string | LargeText };

function exitedParams(processHandle: string, outcome: RunOutcome): ExitedParams {
  // Codex's key order.
  return {
    processHandle,
    exitCode: outcome.exitCode,
    outputDrainTimedOut: outcome.outputDrainTimedOut,
    stdout: outputText(outcome.stdout),
    stdoutCapReached: outcome.stdoutCapReached,
    stderr: outputText(outcome.stderr),
    stderrCapReached: outcome.stderrCapReached,
  };
}

export async function processSpawn(session: Session, params: ProcessSpawnParams): Promise<Reply> {
  const config = session.config;
  if (config.localExecutionDisabled) return fail(internalError(Messages.localEnvironmentNotConfigured));
  if (params.command.length === 0) return fail(invalidRequest(Messages.commandEmpty));
  const handle = params.processHandle;
  if (handle === "") return fail(invalidRequest(Messages.processHandleEmpty));
  const tty = params.tty === true;
  const size = params.size ?? null;
  if (size !== null && !tty) return fail(invalidParams(Messages.processSizeRequiresTty));
  const timeoutMs = triState(params.timeoutMs, config.defaultTimeoutMs);
  if (timeoutMs !== null && timeoutMs < 0) return fail(invalidParams(Messages.processNegativeTimeout(timeoutMs)));
  if (size !== null && (size.rows === 0 || size.cols === 0)) return fail(invalidParams(Messages.processSizeZero));
  const outputBytesCap = triState(params.outputBytesCap, config.defaultOutputBytesCap);
  const streamOutput = tty || params.streamStdoutStderr === true;
  const streamStdin = tty || params.streamStdin === true;

  const handles = handlesOf(session);
  if (handles.has(handle)) return fail(invalidRequest(Messages.processDuplicateHandle(handle)));
  const entry: ProcessEntry = { process: undefined, streamStdin, stdinClosed: false };
  handles.set(handle, entry);
  const release = () => {
    if (handles.get(handle) === entry) handles.delete(handle);
  };

  let child: RunningProcess;
  try {
    child = await startProcess(
      {
        argv: params.command,
        cwd: params.cwd,
        env: childEnv(params.env),
        io: tty ? { kind: "pty", ...(size ?? config.defaultPtySize) } : { kind: "pipes", stdin: streamStdin },
      },
      { outputBytesCap, timeoutMs, stream: streamOutput, drainTimeoutMs: config.drainTimeoutMs },
      (stream, bytes, capReached) =>
        session.notifyOutputDelta("process/outputDelta", "processHandle", handle, stream, bytes, capReached),
    );
  } catch (error) {
    release();
    if (error instanceof PtyUnavailableError) return fail(invalidRequest(error.message));
    if (error instanceof SpawnError) return fail(internalError(Messages.processSpawnFailed(error.message)));
    log("error", `process/spawn: ${String(error)}`);
    return fail(internalError(Messages.processSpawnFailed(String(error))));
  }
  entry.process = child;
  session.track(child);
  // The outcome settles after every delta was handed to the connection. Freeing the
  // handle and sending process/exited happen in the same turn, so a spawn that reuses the
  // handle right after the notification can never see it as still active.
  void child.outcome.then((outcome) => {
    release();
    void session.notify("process/exited", exitedParams(handle, outcome));
  });
  return ok({});
}

type LiveEntry = ProcessEntry & { process: RunningProcess };
type Lookup = { ok: true; entry: LiveEntry } | { ok: false; reply: Reply };

/**
 * Finds a running process. A handle whose process has exited but whose `process/exited`
 * is not out yet (output still draining) answers "no longer running" at once, as Codex.
 */
function lookup(session: Session, handle: string): Lookup {
  const entry = registries.get(session)?.get(handle);
  if (entry === undefined || entry.process === undefined) {
    return { ok: false, reply: fail(invalidRequest(Messages.processUnknownHandle(handle))) };
  }
  if (!entry.process.running) return { ok: false, reply: fail(invalidRequest(Messages.processNotRunning(handle))) };
  return { ok: true, entry: entry as LiveEntry };
}

export function processWriteStdin(session: Session, params: ProcessWriteStdinParams): HandlerOutcome {
  const payload = decodeWritePayload(params, Messages.processWriteNeedsPayload);
  if (!payload.ok) return payload.reply;
  const { bytes, close } = payload;
  const found = lookup(session, params.processHandle);
  if (!found.ok) return found.reply;
  const { entry } = found;
  if (!entry.streamStdin) return fail(invalidRequest(Messages.processStdinNotEnabled));
  return applyWrite(entry, bytes, close);
}

export function processResizePty(session: Session, params: ProcessResizePtyParams): Reply {
  if (params.size.rows === 0 || params.size.cols === 0) return fail(invalidParams(Messages.processSizeZero));
  const found = lookup(session, params.processHandle);
  if (!found.ok) return found.reply;
  try {
    found.entry.process.resize(params.size.rows, params.size.cols);
  } catch (error) {
    return fail(invalidRequest(Messages.resizeFailed(error instanceof Error ? error.message : String(error))));
  }
  return ok({});
}

export function processKill(session: Session, params: ProcessKillParams): Reply {
  const found = lookup(session, params.processHandle);
  if (!found.ok) return found.reply;
  found.entry.process.terminate();
  return ok({});
}
