// WebSocket authentication, as upstream's `--ws-auth capability-token`: the client sends
// `Authorization: Bearer <token>` on the HTTP upgrade; the server keeps only the token's
// SHA-256 digest and compares digests in constant time. Checked before any message, so an
// unauthenticated client never reaches `initialize`.
import { readFileSync } from "node:fs";
import { nodeCrypto } from "../util/lazy-builtins.ts";

export const AUTH_MODES = ["capability-token", "signed-bearer-token"] as const;

export interface AuthOptions {
  wsAuth?: string;
  wsTokenFile?: string;
  wsTokenSha256?: string;
}

export interface TokenAuth {
  mode: "capability-token";
  /** SHA-256 of the token; the token itself is not kept. */
  digest: Buffer;
}

export type AuthResult = { ok: true } | { ok: false; status: 401; message: string };

export const sha256 = (text: string): Buffer => nodeCrypto().createHash("sha256").update(text, "utf8").digest();

/** Validates the auth flags (upstream's wording) and loads the token digest; throws on misuse. */
export function loadAuth(options: AuthOptions): TokenAuth | undefined {
  const { wsAuth, wsTokenFile, wsTokenSha256 } = options;
  if (wsAuth === undefined) {
    if (wsTokenFile !== undefined || wsTokenSha256 !== undefined) {
      throw new Error("websocket auth flags require `--ws-auth capability-token`");
    }
    return undefined;
  }
  if (wsAuth === "signed-bearer-token") {
    throw new Error("`--ws-auth signed-bearer-token` is not supported by this reference server; use `--ws-auth capability-token`");
  }
  if (wsAuth !== "capability-token") {
    throw new Error(`invalid --ws-auth '${wsAuth}': expected capability-token`);
  }
  if (wsTokenFile !== undefined && wsTokenSha256 !== undefined) {
    throw new Error("give only one of `--ws-token-file` and `--ws-token-sha256`");
  }
  if (wsTokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(wsTokenFile, "utf8");
    } catch (error) {
      throw new Error(`cannot read --ws-token-file ${wsTokenFile}: ${(error as Error).message}`);
    }
    // Upstream trims the file (a trailing newline is not part of the token).
    const token = text.trim();
    if (token === "") throw new Error(`--ws-token-file ${wsTokenFile} is empty`);
    return { mode: "capability-token", digest: sha256(token) };
  }
  if (wsTokenSha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(wsTokenSha256)) throw new Error("--ws-token-sha256 must be 64 hex digits (a SHA-256 digest)");
    return { mode: "capability-token", digest: Buffer.from(wsTokenSha256, "hex") };
  }
  throw new Error("`--ws-token-file` or `--ws-token-sha256` is required when `--ws-auth capability-token` is set");
}

/** Checks an upgrade's Authorization header (messages as upstream's 401 bodies). */
export function checkAuthorization(auth: TokenAuth | undefined, header: string | string[] | undefined): AuthResult {
  if (auth === undefined) return { ok: true };
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return { ok: false, status: 401, message: "missing websocket bearer token" };
  const match = /^\s*bearer\s+(\S.*?)\s*$/i.exec(value);
  if (!match) return { ok: false, status: 401, message: "invalid authorization header" };
  // Both sides are 32-byte digests, so the comparison time does not depend on the token.
  const presented = sha256(match[1]!);
  if (!nodeCrypto().timingSafeEqual(presented, auth.digest)) return { ok: false, status: 401, message: "invalid websocket bearer token" };
  return { ok: true };
}
