// The shared machinery of the property runner: the server under test (one process reused
// across many runs, restarted if it dies), per-run pid directories for leftover checks,
// capability probes, and the descriptor claims the properties read.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as fc from "fast-check";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import type { FixtureInput } from "../fixture/format.ts";
import type { Implementation } from "../descriptor/implementation.ts";
import { killRecorded, livePids, describePid } from "../probe/leftovers.ts";
import { RpcClient } from "./client.ts";
import { Run, type RunSpec } from "./run-process.ts";

/**
 * What an implementation descriptor can say about the property suite, read tolerantly from
 * the optional `properties` member of the descriptor (unknown members are ignored):
 *
 *   "properties": {
 *     "inlinePermissionProfile": true,        // command/exec accepts an inline PermissionProfile object
 *     "managedSandbox": true,                 // command/exec enforces managed (readOnly/workspaceWrite) policies
 *     "denyReadConfig": {                     // how to start the server with configured deny-read entries
 *       "args": ["--config", "${configFile}"], // appended to the command
 *       "env": { "NAME": "${configFile}" },    // added to the environment
 *       "format": "permission-profile"        // the file is {"denyRead": [abs paths], "globs": [...]}; see docs/properties.md
 *     },
 *     "skip": { "<property id>": "reason" }   // skip a property with a stated reason
 *   }
 *
 * Features (the descriptor's `features`) also count: "experimental" is needed for process/*,
 * "permission-profile:inline" and "sandbox:managed" are accepted as synonyms of the booleans above.
 */
export interface PropertyClaims {
  inlinePermissionProfile: boolean | undefined;
  managedSandbox: boolean | undefined;
  denyReadConfig: DenyReadConfig | undefined;
  skip: Record<string, string>;
}

export interface DenyReadConfig {
  args: string[];
  env: Record<string, string>;
  format: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads the claims: the descriptor's `properties` member, then `claimsFile` (same shape) on top. */
export function readClaims(impl: Implementation, claimsFile?: string): PropertyClaims {
  const claims: PropertyClaims = { inlinePermissionProfile: undefined, managedSandbox: undefined, denyReadConfig: undefined, skip: {} };
  if (impl.features.includes("permission-profile:inline")) claims.inlinePermissionProfile = true;
  if (impl.features.includes("sandbox:managed")) claims.managedSandbox = true;
  if (impl.file) {
    let raw: unknown;
    try {
      raw = parseJsonc(readFileSync(impl.file, "utf8"), impl.file);
    } catch {
      raw = undefined;
    }
    if (isRecord(raw)) applyClaims(claims, raw.properties);
  }
  if (claimsFile) applyClaims(claims, parseJsonc(readFileSync(claimsFile, "utf8"), claimsFile));
  return claims;
}

function applyClaims(claims: PropertyClaims, p: unknown): void {
  if (!isRecord(p)) return;
  if (typeof p.inlinePermissionProfile === "boolean") claims.inlinePermissionProfile = p.inlinePermissionProfile;
  if (typeof p.managedSandbox === "boolean") claims.managedSandbox = p.managedSandbox;
  if (isRecord(p.skip)) {
    for (const [k, v] of Object.entries(p.skip)) if (typeof v === "string") claims.skip[k] = v;
  }
  const d = p.denyReadConfig;
  if (isRecord(d)) {
    claims.denyReadConfig = {
      args: Array.isArray(d.args) ? d.args.filter((a): a is string => typeof a === "string") : [],
      env: isRecord(d.env) ? Object.fromEntries(Object.entries(d.env).filter((e): e is [string, string] => typeof e[1] === "string")) : {},
      format: typeof d.format === "string" ? d.format : "deny-list-json",
    };
  }
}

export interface PropertyDef<T> {
  /** Stable id, e.g. "output-cap/exec". */
  id: string;
  /** The number of the property in docs/properties.md. */
  number: number;
  title: string;
  /** Runs when no --runs is given. */
  defaultRuns: number;
  /** A reason to skip, or undefined when the property applies. */
  applies(env: PropertyEnv): Promise<string | undefined>;
  /** `replay` is the model-based replay path of fc.commands (the part after "@" in --path). */
  arbitrary(env: PropertyEnv, replay?: string): fc.Arbitrary<T>;
  /** Runs one case; throws (any Error) when the property does not hold. */
  check(env: PropertyEnv, value: T): Promise<void>;
  /** The shrunk case as a ready-to-commit fixture. */
  fixture?(value: T, env: PropertyEnv): FixtureInput | undefined;
  /** A remark shown with the result (e.g. a half of the property that did not apply). */
  note?(env: PropertyEnv): string | undefined;
  /** The experimental handshake is needed. */
  experimental?: boolean;
}

export class PropertyFailure extends Error {}

export function fail(message: string): never {
  throw new PropertyFailure(message);
}

export interface CapabilityResult {
  ok: boolean;
  detail: string;
}

export class PropertyEnv {
  private client: RpcClient | undefined;
  private clientExperimental = false;
  private runCounter = 0;
  private readonly caps = new Map<string, Promise<CapabilityResult>>();
  private readonly resources = new Map<string, { value: Promise<unknown>; close: (v: unknown) => Promise<void> | void }>();
  readonly workspace: string;
  readonly inherited: Record<string, string>;

  constructor(
    readonly impl: Implementation,
    readonly claims: PropertyClaims,
    readonly probe: string[],
    readonly serverEnvExtra: Record<string, string> = {},
    readonly argvExtra: string[] = [],
  ) {
    this.workspace = realpathSync(mkdtempSync(join(tmpdir(), "asc-prop-")));
    // Variables the server inherits, so the env property can observe inheritance.
    this.inherited = {
      ASC_PROP_INHERITED_A: "inherited-a",
      ASC_PROP_INHERITED_B: "b with spaces = and ünïcode",
      ASC_PROP_INHERITED_C: "",
    };
  }

  get mult(): number {
    return this.impl.timeoutMultiplier;
  }

  /** Whether the implementation claims an optional feature (docs/fixtures.md#features). */
  hasFeature(feature: string): boolean {
    return this.impl.features.includes(feature);
  }

  get experimentalClaimed(): boolean {
    return this.impl.features.includes("experimental");
  }

  /** The shared server (started on first use, restarted when it died or the handshake must change). */
  async server(experimental = true): Promise<RpcClient> {
    const want = experimental && this.experimentalClaimed;
    if (this.client && this.client.alive && this.clientExperimental === want) return this.client;
    if (this.client) await this.client.close();
    this.client = undefined;
    this.clientExperimental = want;
    this.client = await RpcClient.start({
      argv: [...this.impl.argv, ...this.argvExtra],
      env: { ...this.impl.env, ...this.inherited, ...this.serverEnvExtra },
      experimental: want,
      mult: this.mult,
      cwd: this.workspace,
    });
    return this.client;
  }

  /** The last lines of the shared server's stderr (for failure reports). */
  stderrTail(lines = 20): string {
    const text = this.client?.stderrText() ?? "";
    return text.split("\n").slice(-lines - 1).join("\n").slice(-3000);
  }

  /** A fresh per-run directory the probes record their pids in (via the env override). */
  pidDir(): string {
    return realpathSync(mkdtempSync(join(tmpdir(), "asc-prop-run-")));
  }

  nextRun(): number {
    return ++this.runCounter;
  }

  /** Kills leftovers of a run; returns the ones still alive after `graceMs`. */
  async leftovers(dir: string, graceMs: number): Promise<string[]> {
    const deadline = Date.now() + graceMs * this.mult;
    let live = livePids(dir);
    while (live.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      live = livePids(dir);
    }
    const described = live.map(describePid);
    killRecorded(dir);
    return described;
  }

  cleanupDir(dir: string): void {
    killRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Runs a capability probe once (cached). */
  capability(name: string, probe: () => Promise<CapabilityResult>): Promise<CapabilityResult> {
    let p = this.caps.get(name);
    if (!p) {
      p = probe().catch((e: unknown) => ({ ok: false, detail: (e as Error).message }));
      this.caps.set(name, p);
    }
    return p;
  }

  /** Can command/exec run an unsandboxed (dangerFullAccess) probe? */
  execWorks(): Promise<CapabilityResult> {
    return this.capability("exec", async () => {
      const client = await this.server();
      const run = new Run(client, this.probeSpec("exec"), 20_000);
      await run.start();
      const o = await run.outcome();
      return o.stdout.text === "ok" ? { ok: true, detail: "" } : { ok: false, detail: `probe printed ${JSON.stringify(o.stdout.text)}` };
    });
  }

  /** Does process/spawn work? */
  processWorks(): Promise<CapabilityResult> {
    return this.capability("process", async () => {
      if (!this.experimentalClaimed) return { ok: false, detail: "the implementation does not claim the experimental API" };
      const client = await this.server();
      const run = new Run(client, this.probeSpec("process"), 20_000);
      try {
        await run.start();
      } catch (e) {
        return { ok: false, detail: `process/spawn is not available: ${(e as Error).message}` };
      }
      const o = await run.outcome();
      return o.stdout.text === "ok" ? { ok: true, detail: "" } : { ok: false, detail: `probe printed ${JSON.stringify(o.stdout.text)}` };
    });
  }

  private probeSpec(surface: "exec" | "process"): RunSpec {
    return {
      surface,
      argv: [...this.probe, "out", "ok"],
      id: `capability-${surface}-${this.nextRun()}`,
      streaming: false,
      stdin: false,
      cap: { kind: "absent" },
      cwd: this.workspace,
    };
  }

  /** A resource shared by the runs of a property (created once, closed with the env). */
  resource<T>(key: string, create: () => Promise<T>, close: (v: T) => Promise<void> | void): Promise<T> {
    let r = this.resources.get(key);
    if (!r) {
      r = { value: create(), close: close as (v: unknown) => Promise<void> | void };
      this.resources.set(key, r);
    }
    return r.value as Promise<T>;
  }

  async close(): Promise<void> {
    for (const r of this.resources.values()) {
      try {
        await r.close(await r.value);
      } catch {
        // creation failed: nothing to close
      }
    }
    this.resources.clear();
    if (this.client) await this.client.close();
    this.client = undefined;
    rmSync(this.workspace, { recursive: true, force: true });
  }
}

/** A `surface`-dependent applicability check shared by properties 1–3 and 6. */
export async function surfaceApplies(env: PropertyEnv, surface: "exec" | "process", ...features: string[]): Promise<string | undefined> {
  const missing = [...(surface === "process" ? ["process-api"] : []), ...features].filter((f) => !env.hasFeature(f));
  if (missing.length) return `the implementation does not claim ${missing.join(", ")}`;
  if (surface === "process") {
    const r = await env.processWorks();
    return r.ok ? undefined : `process/spawn unavailable (${r.detail})`;
  }
  const r = await env.execWorks();
  return r.ok ? undefined : `command/exec with sandboxPolicy dangerFullAccess does not run the probe (${r.detail})`;
}
