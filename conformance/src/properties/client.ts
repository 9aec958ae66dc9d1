// A small JSON-RPC client over a ServerProcess for the property runner: requests with
// promised replies, per-process notification routing, and protocol bookkeeping (every
// request with an id gets exactly one reply; unknown or duplicate replies are violations).
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KIT_NAME, KIT_VERSION } from "../runner/kit-info.ts";
import { scrubbedEnv } from "../runner/server-env.ts";
import { ServerProcess, type ExitInfo } from "../transports/server-process.ts";
import { PID_DIR_VAR } from "../probe/leftovers.ts";

export type JsonObject = Record<string, unknown>;

export interface Reply {
  id: string | number;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface Notification {
  method: string;
  params: JsonObject;
}

export class ServerGone extends Error {}
export class ReplyTimeout extends Error {}

interface Pending {
  method: string;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

const isRecord = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export interface ClientOptions {
  argv: string[];
  /** Extra server environment (on top of the scrubbed base). */
  env: Record<string, string>;
  experimental: boolean;
  /** Multiplies every wait. */
  mult: number;
  /** Working directory of the server (default: a fresh temporary directory). */
  cwd?: string;
}

/** The notification key of this surface: processId or processHandle. */
export function notificationKey(n: Notification): string | undefined {
  const p = n.params;
  if (typeof p.processId === "string") return `exec:${p.processId}`;
  if (typeof p.processHandle === "string") return `proc:${p.processHandle}`;
  return undefined;
}

export class RpcClient {
  readonly server: ServerProcess;
  readonly workspace: string;
  readonly pidDir: string;
  readonly violations: string[] = [];
  exitInfo: ExitInfo | undefined;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly answered = new Set<string>();
  /** Ids of lines that may be answered at most once each: id -> lines still unanswered. */
  private readonly optional = new Map<string, number>();
  /** Replies with `"id": null` (JSON-RPC parse-error style); tolerated, upstream sends none. */
  nullIdReplies = 0;
  /** Replies to lines whose answer was optional. */
  readonly optionalReplies: string[] = [];
  private readonly routes = new Map<string, (n: Notification) => void>();
  private readonly waiters = new Set<() => void>();
  private readonly ownWorkspace: boolean;

  private constructor(readonly opts: ClientOptions) {
    this.ownWorkspace = opts.cwd === undefined;
    this.workspace = opts.cwd ?? realpathSync(mkdtempSync(join(tmpdir(), "asc-prop-ws-")));
    this.pidDir = realpathSync(mkdtempSync(join(tmpdir(), "asc-prop-pids-")));
    this.server = new ServerProcess({
      argv: opts.argv,
      cwd: this.workspace,
      env: scrubbedEnv({ ...opts.env, [PID_DIR_VAR]: this.pidDir }),
      onLine: (line) => this.onLine(line),
      onExit: (info) => {
        this.exitInfo = info;
        for (const p of this.pending.values()) p.reject(new ServerGone(`the server exited (code ${info.code}, signal ${info.signal})`));
        this.pending.clear();
        this.wake();
      },
    });
  }

  static async start(opts: ClientOptions): Promise<RpcClient> {
    const c = new RpcClient(opts);
    try {
      const r = await c.request(
        "initialize",
        {
          clientInfo: { name: KIT_NAME, title: null, version: KIT_VERSION },
          capabilities: { experimentalApi: opts.experimental },
        },
        15_000,
      );
      if (r.error) throw new Error(`initialize failed: ${JSON.stringify(r.error)}`);
      c.notify("initialized");
    } catch (e) {
      await c.close();
      const stderr = c.stderrText().slice(0, 2000);
      const why = c.server.spawnError ? c.server.spawnError.message : (e as Error).message;
      throw new Error(`could not start ${opts.argv.join(" ")}: ${why}${stderr ? `\n${stderr}` : ""}`);
    }
    return c;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  stderrText(): string {
    return this.server.transcript
      .filter((e) => e.dir === "stderr")
      .map((e) => (e as { text: string }).text)
      .join("");
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.violations.push(`stdout line is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (!isRecord(msg)) {
      this.violations.push(`stdout line is not a JSON object: ${line.slice(0, 200)}`);
      return;
    }
    const hasId = typeof msg.id === "string" || typeof msg.id === "number";
    if (typeof msg.method === "string") {
      if (hasId) return; // a server→client request: not part of this surface
      const n: Notification = { method: msg.method, params: isRecord(msg.params) ? msg.params : {} };
      const key = notificationKey(n);
      if (key !== undefined) this.routes.get(key)?.(n);
      this.wake();
      return;
    }
    if (msg.id === null && "error" in msg) {
      this.nullIdReplies++;
      return;
    }
    if (!hasId && ("result" in msg || "error" in msg) && this.takeOptional(JSON.stringify(msg.id))) return;
    if (!hasId || !("result" in msg || "error" in msg)) {
      this.violations.push(`not a JSON-RPC message: ${line.slice(0, 200)}`);
      return;
    }
    const key = JSON.stringify(msg.id);
    const p = this.pending.get(key);
    if (!p && this.takeOptional(key)) return;
    if (!p) {
      this.violations.push(
        `${this.answered.has(key) ? "a second reply" : "a reply to an unknown request"} for id ${key}: ${line.slice(0, 200)}`,
      );
      return;
    }
    this.pending.delete(key);
    this.answered.add(key);
    p.resolve(msg as unknown as Reply);
    this.wake();
  }

  /** Routes notifications whose processId (`exec:<id>`) or processHandle (`proc:<h>`) is `key`. */
  route(key: string, handler: (n: Notification) => void): () => void {
    this.routes.set(key, handler);
    return () => {
      if (this.routes.get(key) === handler) this.routes.delete(key);
    };
  }

  freshId(prefix = "r"): string {
    return `${prefix}-${this.nextId++}`;
  }

  /** Sends a request and resolves with its reply (rejects on timeout or server exit). */
  request(method: string, params: unknown, timeoutMs: number, id: string | number = this.freshId()): Promise<Reply> {
    return this.requestRaw(JSON.stringify(params === undefined ? { id, method } : { id, method, params }), id, method, timeoutMs);
  }

  /** Sends a raw line that carries request id `id` and waits for its reply. */
  requestRaw(line: string, id: string | number, method: string, timeoutMs: number): Promise<Reply> {
    const key = JSON.stringify(id);
    if (!this.alive) return Promise.reject(new ServerGone("the server is not running"));
    if (this.pending.has(key) || this.answered.has(key)) throw new Error(`kit bug: request id ${key} reused`);
    const ms = Math.round(timeoutMs * this.opts.mult);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.get(key)?.resolve === done) {
          // Keep the id pending: a late reply is still one reply, a second one is a violation.
          reject(new ReplyTimeout(`no reply to ${method} (id ${key}) within ${ms} ms`));
        }
      }, ms);
      const done = (r: Reply) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.pending.set(key, {
        method,
        resolve: done,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.server.send(line);
    });
  }

  /** Writes a line that may or may not be answered (at most once) under `id`. */
  sendOptional(line: string, id: unknown): void {
    if (id !== undefined) {
      const key = JSON.stringify(id);
      this.optional.set(key, (this.optional.get(key) ?? 0) + 1);
    }
    this.server.send(line);
  }

  /** Accounts a reply to an optional line; false when no such line is unanswered. */
  private takeOptional(key: string): boolean {
    const n = this.optional.get(key);
    if (!n) return false;
    if (n === 1) this.optional.delete(key);
    else this.optional.set(key, n - 1);
    this.optionalReplies.push(key);
    return true;
  }

  /** Writes a line that is not expected to be answered. */
  sendRaw(line: string): void {
    this.server.send(line);
  }

  notify(method: string, params?: unknown): void {
    this.server.send(JSON.stringify(params === undefined ? { method } : { method, params }));
  }

  /** Waits until `probe` returns true (or the deadline / server exit). */
  async waitFor(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + Math.round(timeoutMs * this.opts.mult);
    for (;;) {
      if (probe()) return;
      if (!this.alive) throw new ServerGone(`${what}: the server exited first`);
      const left = deadline - Date.now();
      if (left <= 0) throw new ReplyTimeout(`${what}: not within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 250));
        this.waiters.add(done);
      });
    }
  }

  /** Whether a request id was already used on this connection. */
  used(id: string | number): boolean {
    const key = JSON.stringify(id);
    return this.pending.has(key) || this.answered.has(key);
  }

  pendingCount(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    await this.server.stop(1500);
    rmSync(this.pidDir, { recursive: true, force: true });
    if (this.ownWorkspace) rmSync(this.workspace, { recursive: true, force: true });
  }
}
