import { Messages, invalidRequest, type PermissionProfileListParams } from "../../../schema/src/index.ts";
import { BUILTIN_PROFILE_IDS } from "../sandbox/policy.ts";
import { fail, ok, type Reply } from "./types.ts";

/** The built-in profiles; `cursor` is an opaque offset into that list. */
export function permissionProfileList(params: PermissionProfileListParams): Reply {
  const start = params.cursor == null ? 0 : Number(params.cursor);
  if (!Number.isSafeInteger(start) || start < 0 || start > BUILTIN_PROFILE_IDS.length) {
    return fail(invalidRequest(Messages.invalidRequest(`invalid cursor: ${params.cursor}`)));
  }
  const limit = params.limit ?? BUILTIN_PROFILE_IDS.length;
  const page = BUILTIN_PROFILE_IDS.slice(start, start + Math.max(limit, 0));
  const next = start + page.length;
  return ok({
    data: page.map((id) => ({ id, description: null, allowed: true })),
    nextCursor: next < BUILTIN_PROFILE_IDS.length && page.length > 0 ? String(next) : null,
  });
}
