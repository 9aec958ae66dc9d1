// The handshake the kit does before a fixture's steps (unless the fixture does its own):
// initialize, with experimentalApi as the fixture asks (run-fixture.ts then sends `initialized`).
import { isRecord } from "../fixture/match.ts";
import { describeInbound, idKey } from "./inbound.ts";
import { KIT_NAME, KIT_VERSION } from "./kit-info.ts";
import type { Session } from "./session.ts";
import { StepFailure } from "./step-failure.ts";
import type { ServerInfo } from "./types.ts";

export const HANDSHAKE_ID = "conformance-init";

/**
 * Sends initialize and waits for its response (10 s, scaled); what the server said about
 * itself comes back. Rejects with a StepFailure when the server fails it (then the caller
 * sends no `initialized`).
 */
export async function initialize(s: Session, mode: "stable" | "experimental"): Promise<ServerInfo | undefined> {
  s.pending.set(idKey(HANDSHAKE_ID), "initialize");
  s.sendMessage({
    id: HANDSHAKE_ID,
    method: "initialize",
    params: {
      clientInfo: { name: KIT_NAME, title: null, version: KIT_VERSION },
      capabilities: { experimentalApi: mode === "experimental" },
    },
  });
  const m = await s.waitFor(
    () => s.inbox.find((e) => !e.consumed && (e.kind === "response" || e.kind === "error") && e.msg.id === HANDSHAKE_ID),
    Math.round(10_000 * s.mult),
    "waiting for the initialize response",
  );
  m.consumed = true;
  if (m.kind !== "response") throw new StepFailure(`initialize failed: ${describeInbound(m)}`);
  if (!isRecord(m.msg.result)) return undefined;
  const r = m.msg.result;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { userAgent: str(r.userAgent), platformFamily: str(r.platformFamily), platformOs: str(r.platformOs) };
}
