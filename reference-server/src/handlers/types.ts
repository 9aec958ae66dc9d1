import type { WireError } from "../../../schema/src/index.ts";
import type { Session } from "../session.ts";

export type Reply = { result: unknown } | { error: WireError };

/**
 * What a handler returns once its ordered part is done: either the reply, or a reply
 * that follows later (e.g. command/exec answers when the process has finished). The
 * per-processId queue is released as soon as the handler returns.
 */
export type HandlerOutcome = Reply | { deferred: Promise<Reply> };

export type Handler<P> = (session: Session, params: P) => Promise<HandlerOutcome> | HandlerOutcome;

export const ok = (result: unknown): Reply => ({ result });
export const fail = (error: WireError): Reply => ({ error });
