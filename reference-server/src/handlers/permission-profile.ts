// permissionProfile/list: the built-in profiles, then the configured ones; `cursor` is an
// opaque offset into that list.
import { Messages, invalidRequest, type PermissionProfileListParams } from "../../../schema/src/index.ts";
import { listPermissionProfiles } from "../permissions/index.ts";
import type { Session } from "../session.ts";
import { fail, ok, type Reply } from "./types.ts";

export function permissionProfileList(session: Session, params: PermissionProfileListParams): Reply {
  const all = listPermissionProfiles(session.config.permissions);
  const start = params.cursor == null ? 0 : Number(params.cursor);
  if (!Number.isSafeInteger(start) || start < 0 || start > all.length) {
    return fail(invalidRequest(Messages.invalidRequest(`invalid cursor: ${params.cursor}`)));
  }
  const limit = params.limit ?? all.length;
  const page = all.slice(start, start + Math.max(limit, 0));
  const next = start + page.length;
  return ok({ data: page, nextCursor: next < all.length && page.length > 0 ? String(next) : null });
}
