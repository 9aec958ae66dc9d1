// The payload of command/exec/write and process/writeStdin: at least one of deltaBase64 /
// closeStdin, and strict base64. Checked before the process lookup, as upstream does.
import { Messages, invalidParams, invalidRequest } from "../../../schema/src/index.ts";
import type { RunningProcess } from "../engine/types.ts";
import { decodeBase64Strict } from "../util/base64.ts";
import { fail, ok, type HandlerOutcome, type Reply } from "./types.ts";

export type WritePayload = { ok: true; bytes: Buffer | undefined; close: boolean } | { ok: false; reply: Reply };

export function decodeWritePayload(
  params: { deltaBase64?: string | null | undefined; closeStdin?: boolean | undefined },
  needsPayloadMessage: string,
): WritePayload {
  const delta = params.deltaBase64 ?? null;
  const close = params.closeStdin === true;
  if (delta === null && !close) return { ok: false, reply: fail(invalidParams(needsPayloadMessage)) };
  if (delta === null) return { ok: true, bytes: undefined, close };
  const decoded = decodeBase64Strict(delta);
  if (!decoded.ok) return { ok: false, reply: fail(invalidParams(Messages.invalidBase64(decoded.detail))) };
  return { ok: true, bytes: decoded.bytes, close };
}

/** The stdin side of a command/exec or process/spawn entry. */
export interface StdinTarget {
  stdinClosed: boolean;
  readonly process: RunningProcess;
}

/**
 * Applies a decoded write to a running process whose stdin is streamed. As Codex 0.169.0:
 * only bytes meet a closed stdin with an error; closing it again (or an empty delta) is
 * accepted and does nothing. The bytes are handed over now (keeping their order) and the
 * answer waits until they were taken, without holding up requests queued behind it.
 */
export function applyWrite(target: StdinTarget, bytes: Buffer | undefined, close: boolean): HandlerOutcome {
  const hasBytes = bytes !== undefined && bytes.length > 0;
  if (target.stdinClosed && hasBytes) return fail(invalidRequest(Messages.stdinClosed));
  const written = hasBytes ? target.process.writeStdin(bytes) : Promise.resolve();
  if (close && !target.stdinClosed) {
    target.stdinClosed = true;
    target.process.closeStdin();
  }
  return { deferred: written.then(() => ok({})) };
}
