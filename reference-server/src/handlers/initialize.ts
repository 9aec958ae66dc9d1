import { arch, platform, release, type } from "node:os";
import { ErrorCode, Messages, invalidRequest, type InitializeParams } from "../../../schema/src/index.ts";
import { SERVER_NAME, SERVER_VERSION } from "../config.ts";
import type { Session } from "../session.ts";
import { fail, ok, type Reply } from "./types.ts";

/** What an HTTP header value may contain: no control characters except tab, no DEL. */
export function isValidHeaderValue(value: string): boolean {
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

export function platformInfo(): { platformFamily: string; platformOs: string } {
  const p = platform();
  return {
    platformFamily: p === "win32" ? "windows" : "unix",
    platformOs: p === "darwin" ? "macos" : p === "win32" ? "windows" : p,
  };
}

export function initialize(session: Session, params: InitializeParams): Reply {
  if (session.initialized) return fail(invalidRequest(Messages.alreadyInitialized));
  const { name, version } = params.clientInfo;
  if (!isValidHeaderValue(name)) return fail({ code: ErrorCode.invalidRequest, message: Messages.invalidClientName(name) });
  session.initialized = true;
  session.experimentalApi = params.capabilities?.experimentalApi === true;
  session.optOut = new Set(params.capabilities?.optOutNotificationMethods ?? []);
  return ok({
    userAgent: `${name}/${SERVER_VERSION} (${SERVER_NAME}; ${type()} ${release()}; ${arch()}) (${name}; ${version})`,
    codexHome: session.config.codexHome,
    ...platformInfo(),
  });
}
