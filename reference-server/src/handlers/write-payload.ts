// The payload of command/exec/write and process/writeStdin: at least one of deltaBase64 /
// closeStdin, and strict base64. Checked before the process lookup, as upstream does.
import { Messages, invalidParams } from "../../../schema/src/index.ts";
import { decodeBase64Strict } from "../util/base64.ts";
import { fail, type Reply } from "./types.ts";

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
