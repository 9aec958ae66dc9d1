// One fixture's session: the connection to the server, everything it sent (the inbox), the
// requests in flight, labels and captures, and waiting for the server without sleeping.
import { isAbsolute, join } from "node:path";
import { DEFAULT_STEP_MS, handshakeOf, schemaVariantOf, type Fixture } from "../fixture/format.ts";
import type { MatchContext } from "../fixture/match.ts";
import { expandString, type Vars } from "../fixture/vars.ts";
import { packageRoot } from "../probe/probe-path.ts";
import type { ExitInfo } from "../transports/server-process.ts";
import type { ServerConnection } from "../transports/index.ts";
import { checkInbound } from "./inbound-checks.ts";
import { parseInbound, type Inbound } from "./inbound.ts";
import { createValidator, type MessageValidator } from "./schema-check.ts";
import { StepFailure } from "./step-failure.ts";
import { PhaseClock } from "./timings.ts";
import type { Failure } from "./types.ts";

export class Session {
  readonly inbox: Inbound[] = [];
  readonly failures: Failure[] = [];
  readonly labels = new Map<string, number>();
  readonly pending = new Map<string, string>();
  readonly answered = new Set<string>();
  private seq = 0;
  private waiters = new Set<() => void>();
  server!: ServerConnection;
  exitInfo: ExitInfo | undefined;
  readonly ctx: MatchContext;
  readonly validator: MessageValidator;
  readonly experimentalConnection: boolean;
  readonly clock = new PhaseClock();

  constructor(
    readonly fixture: Fixture,
    readonly vars: Vars,
    readonly mult: number,
    readonly pidDir: string,
  ) {
    this.ctx = { vars, captures: new Map() };
    this.validator = createValidator(schemaVariantOf(fixture), packageRoot());
    this.experimentalConnection = handshakeOf(fixture) === "experimental";
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  onLine(line: string, t: number): void {
    const entry = parseInbound(line, this.seq + 1, t);
    if ("problem" in entry) {
      this.failures.push({ step: "protocol", message: entry.problem });
      return;
    }
    this.seq = entry.seq;
    this.inbox.push(entry);
    this.failures.push(...checkInbound(entry, this));
    this.wake();
  }

  onExit(info: ExitInfo): void {
    this.exitInfo = info;
    this.wake();
  }

  /** Waits until `probe` returns a value, the deadline passes or the server exits. */
  async waitFor<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = probe();
      if (hit !== undefined) return hit;
      if (this.exitInfo) {
        throw new StepFailure(`${what}: the server exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) first`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new StepFailure(`${what}: nothing within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  sendMessage(message: Record<string, unknown>): void {
    this.server.send(JSON.stringify(message));
  }

  stepMs(withinMs: number | undefined): number {
    return Math.round((withinMs ?? DEFAULT_STEP_MS) * this.mult);
  }

  label(name: string | undefined, seq: number): void {
    if (name !== undefined) this.labels.set(name, seq);
  }

  path(p: string): string {
    const expanded = expandString(p, this.vars, this.ctx.captures);
    return isAbsolute(expanded) ? expanded : join(this.vars.workspace, expanded);
  }

  /** A deliberate wait (`sleep`, `expectSilence`), scaled like every timeout and counted as quiet time. */
  quiet(ms: number): Promise<void> {
    return this.clock.time("quiet", () => new Promise((r) => setTimeout(r, Math.round(ms * this.mult))));
  }
}
