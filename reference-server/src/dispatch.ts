// One connection's request pipeline, in upstream's order: parse (-32600 Invalid request),
// handshake state, experimental gate, then the handler. Requests run concurrently except
// that requests about the same processId (or processHandle) run in arrival order.
import {
  Messages,
  experimentalReason,
  internalError,
  invalidRequest,
  parseLine,
  type ClientRequestMethod,
  type ParamsOf,
  formatRequestId,
  type WireRequestId,
} from "../../schema/src/index.ts";
import { decode } from "./decode.ts";
import { initialize } from "./handlers/initialize.ts";
import { commandExec, commandExecResize, commandExecTerminate, commandExecWrite } from "./handlers/command-exec.ts";
import { permissionProfileList } from "./handlers/permission-profile.ts";
import { processKill, processResizePty, processSpawn, processWriteStdin } from "./handlers/process.ts";
import type { Handler, HandlerOutcome, Reply } from "./handlers/types.ts";
import { log } from "./log.ts";
import type { Session } from "./session.ts";

/** serde_json's default recursion limit, which Codex parses with. */
export const MAX_NESTING = 128;

/** How deeply arrays and objects nest in `value` (iterative: depth must not cost stack). */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== "object" || v === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

const handlers: { [M in Exclude<ClientRequestMethod, "initialize">]: Handler<ParamsOf<M>> } = {
  "command/exec": commandExec,
  "command/exec/write": commandExecWrite,
  "command/exec/resize": commandExecResize,
  "command/exec/terminate": commandExecTerminate,
  "permissionProfile/list": (session, params) => permissionProfileList(session, params),
  "process/spawn": processSpawn,
  "process/writeStdin": processWriteStdin,
  "process/kill": processKill,
  "process/resizePty": processResizePty,
};

/**
 * The serialization scope of a request, if any (upstream: "command-exec process <id>",
 * and "process <handle>" for process/*).
 */
function scopeOf(method: ClientRequestMethod, params: unknown): string | undefined {
  if (method.startsWith("process/")) {
    const handle = (params as { processHandle?: unknown }).processHandle;
    return typeof handle === "string" ? `process:${handle}` : undefined;
  }
  if (!method.startsWith("command/exec")) return undefined;
  const id = (params as { processId?: unknown }).processId;
  return typeof id === "string" ? `command/exec:${id}` : undefined;
}

export class Dispatcher {
  private readonly scopes = new Map<string, Promise<unknown>>();

  constructor(private readonly session: Session) {}

  handleLine(line: string): void {
    if (line.trim() === "") return;
    const message = parseLine(line);
    switch (message.kind) {
      case "invalid":
        log("warn", `dropping unparseable message (${message.reason}): ${line.slice(0, 200)}`);
        return;
      case "notification":
        log("info", `client notification ${message.method}`);
        return;
      case "response":
      case "error":
        log("warn", `unexpected ${message.kind} for id ${formatRequestId(message.id)}`);
        return;
      case "request":
        void this.handleRequest(message.id, message.method, message.params, message.hasParams, message.wideInteger).catch((error) => {
          // The details go to the log; the client learns that the request failed, not how.
          log("error", `request ${formatRequestId(message.id)} crashed: ${error instanceof Error ? error.stack : String(error)}`);
          void this.session.respondError(message.id, internalError("internal error"));
        });
    }
  }

  private async handleRequest(id: WireRequestId, method: string, params: unknown, hasParams: boolean, wideInteger?: string): Promise<void> {
    const session = this.session;
    // Deeper than Codex's parser accepts: a protocol error (never a stack overflow later).
    if (nestingDepth(params, MAX_NESTING - 1) > MAX_NESTING - 1) {
      return session.respondError(id, invalidRequest(Messages.invalidRequest("recursion limit exceeded")));
    }
    const decoded = decode(method, params, hasParams, wideInteger);
    if (!decoded.ok) return session.respondError(id, decoded.error);
    if (decoded.method === "initialize") {
      return this.reply(id, initialize(session, decoded.params as ParamsOf<"initialize">));
    }
    if (!session.initialized) return session.respondError(id, invalidRequest(Messages.notInitialized));
    const reason = experimentalReason(decoded.method, decoded.params);
    if (reason !== undefined && !session.experimentalApi) {
      return session.respondError(id, invalidRequest(Messages.requiresExperimental(reason)));
    }
    const handler = handlers[decoded.method] as Handler<unknown>;
    const outcome = await this.inScope(scopeOf(decoded.method, decoded.params), () => handler(session, decoded.params));
    return this.reply(id, "deferred" in outcome ? await outcome.deferred : outcome);
  }

  private reply(id: WireRequestId, reply: Reply): Promise<void> {
    return "error" in reply ? this.session.respondError(id, reply.error) : this.session.respond(id, reply.result);
  }

  /** Runs `task` after every earlier task of the same scope has returned. */
  private inScope(scope: string | undefined, task: () => Promise<HandlerOutcome> | HandlerOutcome): Promise<HandlerOutcome> {
    if (scope === undefined) return Promise.resolve().then(task);
    const previous = this.scopes.get(scope) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.catch(() => undefined);
    this.scopes.set(scope, tail);
    void tail.then(() => {
      if (this.scopes.get(scope) === tail) this.scopes.delete(scope);
    });
    return run;
  }
}
