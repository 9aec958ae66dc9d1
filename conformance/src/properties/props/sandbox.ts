// Property 4: legacy sandbox policies round-trip over the wire. A random SandboxPolicy and
// a random choice of probe targets in a fixed layout (project root = the server's cwd,
// directories outside it, /tmp, protected .git/.codex/.agents folders): accesses (read a
// file, write a file, list a directory, connect to a local TCP port) run under
// `sandboxPolicy: P` agree with the kit's own model of P, and — when the implementation
// claims inline permission profiles — the same accesses under the equivalent inline
// `permissionProfile` observe exactly the same.
//
// Property 5: deny-read preservation. The server starts with configured deny-read entries
// (the descriptor's properties.denyReadConfig says how); random overrides, including
// dangerFullAccess and unrestricted/disabled profiles, never make a denied file readable.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, sep } from "node:path";
import process from "node:process";
import * as fc from "fast-check";
import { RpcClient, type Reply } from "../client.ts";
import { codexRequirementsToml, requirementsWrapArgv, requirementsWrapUnavailable } from "../codex-requirements.ts";
import { fail, type PropertyDef, type PropertyEnv } from "../harness.ts";

// ---------------------------------------------------------------- the kit's model of P

export type LegacyPolicy =
  | { type: "dangerFullAccess" }
  | { type: "readOnly"; networkAccess: boolean }
  | { type: "externalSandbox"; networkAccess: "restricted" | "enabled" }
  | { type: "workspaceWrite"; writableRoots: string[]; networkAccess: boolean; excludeTmpdirEnvVar: boolean; excludeSlashTmp: boolean };

const PROTECTED = [".git", ".codex", ".agents"];

export const under = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

export interface SandboxModelCtx {
  projectRoot: string;
  tmpdirEnv: string | undefined;
}

/** May a command under P write `path`? */
export function modelCanWrite(p: LegacyPolicy, path: string, ctx: SandboxModelCtx): boolean {
  if (p.type === "dangerFullAccess" || p.type === "externalSandbox") return true;
  if (p.type === "readOnly") return false;
  const writable = [ctx.projectRoot, ...p.writableRoots];
  const roots = [...writable, ...(p.excludeSlashTmp ? [] : ["/tmp"]), ...(p.excludeTmpdirEnvVar || !ctx.tmpdirEnv ? [] : [ctx.tmpdirEnv])];
  if (!roots.some((r) => under(path, r))) return false;
  return !writable.some((r) => PROTECTED.some((d) => under(path, join(r, d))));
}

/** Legacy policies never restrict reads. */
export function modelCanRead(_p: LegacyPolicy, _path: string): boolean {
  return true;
}

/** May a command under P reach the network? (externalSandbox: the server applies no sandbox.) */
export function modelNetwork(p: LegacyPolicy): boolean {
  if (p.type === "dangerFullAccess" || p.type === "externalSandbox") return true;
  return p.networkAccess;
}

/** The inline PermissionProfile equivalent to P (codex-app-server-protocol §8.1). */
export function equivalentProfile(p: LegacyPolicy): unknown {
  const special = (kind: string) => ({ type: "special", value: { kind } });
  switch (p.type) {
    case "dangerFullAccess":
      return { type: "disabled" };
    case "externalSandbox":
      return { type: "external", network: { enabled: p.networkAccess === "enabled" } };
    case "readOnly":
      return { type: "managed", network: { enabled: p.networkAccess }, fileSystem: { type: "restricted", entries: [{ path: special("root"), access: "read" }] } };
    case "workspaceWrite":
      return {
        type: "managed",
        network: { enabled: p.networkAccess },
        fileSystem: {
          type: "restricted",
          entries: [
            { path: special("root"), access: "read" },
            { path: { type: "special", value: { kind: "project_roots", subpath: null } }, access: "write" },
            ...(p.excludeSlashTmp ? [] : [{ path: special("slash_tmp"), access: "write" }]),
            ...(p.excludeTmpdirEnvVar ? [] : [{ path: special("tmpdir"), access: "write" }]),
            ...p.writableRoots.map((r) => ({ path: { type: "path", path: r }, access: "write" })),
          ],
        },
      };
  }
}

// ---------------------------------------------------------------- layout and probes

export interface Layout {
  base: string;
  projectRoot: string;
  /** Directories outside the project that may become writable roots (each has a .git). */
  outside: string[];
  /** A directory under /tmp. */
  slashTmp: string;
  port: number;
  server: Server;
  client: RpcClient;
}

export type TargetKind = "project" | "project-protected" | "outside" | "outside-protected" | "slash-tmp";

export interface Target {
  kind: TargetKind;
  /** Which protected folder / outside directory. */
  index: number;
}

export interface SandboxCase {
  policy: { type: LegacyPolicy["type"]; networkAccess: boolean; writableRoots: number[]; excludeTmpdirEnvVar: boolean; excludeSlashTmp: boolean };
  targets: Target[];
  network: boolean;
}

/** A base directory outside /tmp and $TMPDIR (those are writable roots of their own). */
function layoutBase(): string {
  const candidates = ["/var/tmp", join(homedir(), ".cache")];
  for (const c of candidates) {
    try {
      if (!existsSync(c)) mkdirSync(c, { recursive: true });
      const d = realpathSync(mkdtempSync(join(c, "asc-prop-sandbox-")));
      if (!under(d, "/tmp") && !under(d, realpathSync(tmpdir()))) return d;
      rmSync(d, { recursive: true, force: true });
    } catch {
      // try the next one
    }
  }
  throw new Error("no directory outside /tmp and $TMPDIR to build the sandbox layout in");
}

export async function makeLayout(env: PropertyEnv, extraEnv: Record<string, string> = {}, extraArgs: string[] = []): Promise<Layout> {
  const base = layoutBase();
  const projectRoot = join(base, "project");
  mkdirSync(projectRoot);
  for (const d of PROTECTED) mkdirSync(join(projectRoot, d));
  const outside = [join(base, "outside-a"), join(base, "outside-b")];
  for (const o of outside) mkdirSync(join(o, ".git"), { recursive: true });
  const slashTmp = realpathSync(mkdtempSync("/tmp/asc-prop-sandbox-"));
  const server = createServer((s) => s.destroy());
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  const client = await RpcClient.start({
    argv: [...env.impl.argv, ...extraArgs],
    env: { ...env.impl.env, ...extraEnv },
    experimental: env.experimentalClaimed,
    mult: env.mult,
    cwd: projectRoot,
  });
  return { base, projectRoot, outside, slashTmp, port, server, client };
}

export async function closeLayout(l: Layout): Promise<void> {
  await l.client.close();
  l.server.close();
  rmSync(l.base, { recursive: true, force: true });
  rmSync(l.slashTmp, { recursive: true, force: true });
}

/** The directory a target names (created with a readable file "r" in it). */
function targetDir(l: Layout, t: Target, run: number): string {
  switch (t.kind) {
    case "project":
      return join(l.projectRoot, `run-${run}`);
    case "project-protected":
      return join(l.projectRoot, PROTECTED[t.index % PROTECTED.length]!);
    case "outside":
      return join(l.outside[t.index % l.outside.length]!, `run-${run}`);
    case "outside-protected":
      return join(l.outside[t.index % l.outside.length]!, ".git");
    case "slash-tmp":
      return join(l.slashTmp, `run-${run}`);
  }
}

export function toPolicy(c: SandboxCase, l: Layout): LegacyPolicy {
  const p = c.policy;
  switch (p.type) {
    case "dangerFullAccess":
      return { type: "dangerFullAccess" };
    case "readOnly":
      return { type: "readOnly", networkAccess: p.networkAccess };
    case "externalSandbox":
      return { type: "externalSandbox", networkAccess: p.networkAccess ? "enabled" : "restricted" };
    case "workspaceWrite":
      return {
        type: "workspaceWrite",
        writableRoots: [...new Set(p.writableRoots.map((i) => l.outside[i % l.outside.length]!))],
        networkAccess: p.networkAccess,
        excludeTmpdirEnvVar: p.excludeTmpdirEnvVar,
        excludeSlashTmp: p.excludeSlashTmp,
      };
  }
}

export const sandboxCaseArb: fc.Arbitrary<SandboxCase> = fc.record({
  policy: fc.record({
    type: fc.constantFrom<LegacyPolicy["type"]>("dangerFullAccess", "readOnly", "externalSandbox", "workspaceWrite", "workspaceWrite"),
    networkAccess: fc.boolean(),
    writableRoots: fc.array(fc.nat({ max: 1 }), { maxLength: 2 }),
    excludeTmpdirEnvVar: fc.boolean(),
    excludeSlashTmp: fc.boolean(),
  }),
  targets: fc.uniqueArray(
    fc.record({ kind: fc.constantFrom<TargetKind>("project", "project-protected", "outside", "outside-protected", "slash-tmp"), index: fc.nat({ max: 2 }) }),
    { minLength: 1, maxLength: 5, selector: (t) => `${t.kind}:${t.index}` },
  ),
  network: fc.boolean(),
});

export function accessProbeArgv(env: PropertyEnv): string[] {
  const probe = env.probe;
  // The probe is probe.ts (source), probe.js (tsc) or probe.cjs (rolldown, preferred under
  // Node); the access probe is built by tsc only.
  const i = probe.findIndex((a) => /[\\/]probe[\\/]probe\.(c?js|ts)$/.test(a));
  if (i >= 0) return [...probe.slice(0, i), probe[i]!.replace(/probe[\\/]probe\.(c?js|ts)$/, (_all, ext: string) => `properties/access-probe.${ext === "ts" ? "ts" : "js"}`)];
  throw new Error(`cannot derive the access probe from the probe command ${probe.join(" ")}`);
}

export interface Attempt {
  what: string;
  expected: boolean | undefined;
}

/** Runs the access probe under `params` (sandboxPolicy or permissionProfile) and returns its lines. */
export async function runAccess(l: Layout, env: PropertyEnv, args: string[], override: Record<string, unknown>): Promise<string[] | Reply> {
  const r = await l.client.request("command/exec", { command: [...accessProbeArgv(env), ...args], ...override, timeoutMs: 20_000 }, 30_000);
  if (r.error) return r;
  const res = r.result as { stdout?: string; exitCode?: number };
  return String(res.stdout ?? "").split("\n").filter((x) => x !== "");
}

function prepare(l: Layout, c: SandboxCase, run: number): { args: string[]; attempts: Attempt[]; policy: LegacyPolicy } {
  const policy = toPolicy(c, l);
  const ctx: SandboxModelCtx = { projectRoot: l.projectRoot, tmpdirEnv: undefined };
  const args: string[] = [];
  const attempts: Attempt[] = [];
  for (const t of c.targets) {
    const dir = targetDir(l, t, run);
    mkdirSync(dir, { recursive: true });
    const readable = join(dir, `r-${run}`);
    writeFileSync(readable, "r");
    const writable = join(dir, `w-${run}`);
    args.push("read", readable, "list", dir, "write", writable);
    attempts.push(
      { what: `read ${readable}`, expected: modelCanRead(policy, readable) },
      { what: `list ${dir}`, expected: modelCanRead(policy, dir) },
      { what: `write ${writable}`, expected: modelCanWrite(policy, writable, ctx) },
    );
  }
  if (c.network) {
    args.push("connect", "127.0.0.1", String(l.port));
    attempts.push({ what: `connect 127.0.0.1:${l.port}`, expected: modelNetwork(policy) });
  }
  return { args, attempts, policy };
}

function compare(label: string, lines: string[], attempts: Attempt[]): string[] {
  if (lines.length !== attempts.length) return [`${label}: the access probe printed ${lines.length} lines for ${attempts.length} attempts: ${JSON.stringify(lines)}`];
  const out: string[] = [];
  attempts.forEach((a, i) => {
    const ok = lines[i] === "ok";
    if (a.expected !== undefined && ok !== a.expected) out.push(`${label}: ${a.what}: model says ${a.expected ? "allowed" : "denied"}, observed ${lines[i]}`);
  });
  return out;
}

async function sandboxWorks(env: PropertyEnv): Promise<string | undefined> {
  const r = await env.capability("managed-sandbox", async () => {
    const l = await env.resource("sandbox-layout", () => makeLayout(env), closeLayout);
    const out = await runAccess(l, env, ["list", l.projectRoot], { sandboxPolicy: { type: "readOnly" } });
    if (!Array.isArray(out)) return { ok: false, detail: `command/exec with sandboxPolicy readOnly was refused: ${JSON.stringify(out.error)}` };
    return out[0] === "ok" ? { ok: true, detail: "" } : { ok: false, detail: `the access probe printed ${JSON.stringify(out)}` };
  });
  return r.ok ? undefined : `managed sandbox policies do not run (${r.detail})`;
}

export function sandboxRoundTripProperty(): PropertyDef<SandboxCase> {
  return {
    id: "sandbox-roundtrip",
    number: 4,
    title: "legacy sandbox policies agree with the kit's model (and with the equivalent inline profile)",
    defaultRuns: 15,
    async applies(env) {
      if (process.platform === "win32") return "the layout and the model are POSIX-only";
      if (!env.hasFeature("sandbox")) return "the implementation does not claim sandbox";
      if (env.claims.managedSandbox === false) return "the implementation descriptor says managed sandbox policies are not enforced";
      return sandboxWorks(env);
    },
    note: (env) =>
      env.claims.inlinePermissionProfile ? undefined : "inline permissionProfile half skipped: the descriptor does not claim properties.inlinePermissionProfile",
    arbitrary: () => sandboxCaseArb,
    async check(env: PropertyEnv, c: SandboxCase): Promise<void> {
      const l = await env.resource("sandbox-layout", () => makeLayout(env), closeLayout);
      const run = env.nextRun();
      const { args, attempts, policy } = prepare(l, c, run);
      const viaPolicy = await runAccess(l, env, args, { sandboxPolicy: policy });
      if (!Array.isArray(viaPolicy)) fail(`command/exec with sandboxPolicy ${JSON.stringify(policy)} failed: ${JSON.stringify(viaPolicy.error)}`);
      const problems = compare(`sandboxPolicy ${JSON.stringify(policy)}`, viaPolicy, attempts);
      if (env.claims.inlinePermissionProfile) {
        const profile = equivalentProfile(policy);
        // Fresh write targets for the second run so "write" is observed again.
        const args2 = args.map((a) => (/[\\/]w-\d+$/.test(a) ? `${a}-profile` : a));
        const viaProfile = await runAccess(l, env, args2, { permissionProfile: profile });
        if (!Array.isArray(viaProfile)) fail(`command/exec with the equivalent permissionProfile ${JSON.stringify(profile)} failed: ${JSON.stringify(viaProfile.error)}`);
        problems.push(...compare(`permissionProfile ${JSON.stringify(profile)}`, viaProfile, attempts));
        viaPolicy.forEach((line, i) => {
          if ((line === "ok") !== (viaProfile[i] === "ok")) problems.push(`${attempts[i]!.what}: sandboxPolicy observed ${line}, the equivalent profile observed ${viaProfile[i]}`);
        });
      }
      if (problems.length) fail(problems.join("\n"));
    },
  };
}

// ---------------------------------------------------------------- property 5

export interface DenyReadCase {
  override:
    | { kind: "none" }
    | { kind: "policy"; policy: SandboxCase["policy"] }
    | { kind: "profile"; profile: "disabled" | "unrestricted" | "external" | "root-read" | "root-write" }
    | { kind: "profileId"; id: string };
  /** Which denied file to read, and whether to read it via its directory listing too. */
  target: number;
}

const DENIED = ["secret.env", "nested/deep/secret.key"];
/** A file next to the denied ones that stays readable (guards against vacuous passes). */
const CONTROL = "nested/deep/public.txt";

/**
 * The configuration file that denies reading DENIED[0] by absolute path and DENIED[1] by a
 * glob, in the descriptor's `denyReadConfig.format`:
 *   "reference-jsonc": the reference server's --config file (docs/sandbox.md §2), a default
 *                      profile with root read, project write and the two deny entries;
 *   "codex-toml":      a Codex config.toml; ${configDir} is a fresh CODEX_HOME outside /tmp
 *                      (pass it as "env": {"CODEX_HOME": "${configDir}"}). Codex applies these
 *                      deny entries to the configured default only, so overrides drop them;
 *   "codex-requirements": Codex's managed requirements (`[permissions.filesystem] deny_read`),
 *                      which Codex keeps under every override; the kit mounts the file at
 *                      /etc/codex/requirements.toml with bubblewrap (codex-requirements.ts);
 *   "deny-list-json":  {"denyRead": [absolute paths], "denyGlobs": [globs relative to the project]}.
 */
export function denyReadConfigFile(format: string, projectRoot: string): string {
  const path = join(projectRoot, "denied", DENIED[0]!);
  if (format === "codex-requirements") return codexRequirementsToml([path, join(projectRoot, "**", "*.key")]);
  if (format === "codex-toml") {
    // Codex's config.toml (a CODEX_HOME of its own): a default permissions profile with the
    // two deny entries (the glob under the workspace roots).
    return [
      'default_permissions = "ascdeny"',
      "",
      "[permissions.ascdeny.filesystem]",
      '":root" = "read"',
      '":project_roots" = "write"',
      `${JSON.stringify(path)} = "deny"`,
      "glob_scan_max_depth = 4",
      "",
      '[permissions.ascdeny.filesystem.":workspace_roots"]',
      '"**/*.key" = "deny"',
      "",
    ].join("\n");
  }
  if (format === "reference-jsonc") {
    return JSON.stringify(
      {
        permissions: {
          default: "asc-deny",
          profiles: { "asc-deny": { filesystem: { ":root": "read", ":project_roots": "write", [path]: "deny", "**/*.key": "deny" } } },
        },
      },
      null,
      2,
    );
  }
  return JSON.stringify({ denyRead: [path], denyGlobs: ["**/*.key"] }, null, 2);
}

export function denyReadProperty(): PropertyDef<DenyReadCase> {
  const layoutKey = "deny-read-layout";
  const layout = async (env: PropertyEnv): Promise<Layout> =>
    env.resource(layoutKey, async () => {
      const cfg = env.claims.denyReadConfig!;
      const codex = cfg.format === "codex-toml" || cfg.format === "codex-requirements";
      // Codex refuses a CODEX_HOME under /tmp: keep the config directory outside it.
      const dir = codex ? layoutBase() : realpathSync(mkdtempSync(join(tmpdir(), "asc-prop-denycfg-")));
      const configFile = join(dir, { "codex-toml": "config.toml", "codex-requirements": "requirements.toml" }[cfg.format] ?? "config.json");
      // The deny entries name files in the project of the layout, which does not exist yet:
      // build the layout first with a placeholder, then restart with the config.
      const probeLayout = layoutBase();
      const projectRoot = join(probeLayout, "project");
      mkdirSync(join(projectRoot, "denied", "nested", "deep"), { recursive: true });
      for (const d of DENIED) writeFileSync(join(projectRoot, "denied", d), "secret");
      writeFileSync(join(projectRoot, "denied", CONTROL), "public");
      writeFileSync(configFile, denyReadConfigFile(cfg.format, projectRoot));
      const x = (s: string) => s.replaceAll("${configFile}", configFile).replaceAll("${configDir}", dir).replaceAll("${projectRoot}", projectRoot);
      const server = createServer((s) => s.destroy());
      const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
      const argv = [...env.impl.argv, ...cfg.args.map(x)];
      const client = await RpcClient.start({
        argv: cfg.format === "codex-requirements" ? requirementsWrapArgv(configFile, argv) : argv,
        env: { ...env.impl.env, ...Object.fromEntries(Object.entries(cfg.env).map(([k, v]) => [k, x(v)])) },
        experimental: env.experimentalClaimed,
        mult: env.mult,
        cwd: projectRoot,
      });
      const slashTmp = dir;
      return { base: probeLayout, projectRoot, outside: [], slashTmp, port, server, client };
    }, closeLayout);
  const profileOf = (p: Extract<DenyReadCase["override"], { kind: "profile" }>["profile"]): unknown => {
    const root = (access: string) => ({ type: "managed", network: { enabled: false }, fileSystem: { type: "restricted", entries: [{ path: { type: "special", value: { kind: "root" } }, access }] } });
    if (p === "disabled") return { type: "disabled" };
    if (p === "external") return { type: "external", network: { enabled: false } };
    if (p === "unrestricted") return { type: "managed", network: { enabled: true }, fileSystem: { type: "unrestricted" } };
    return root(p === "root-read" ? "read" : "write");
  };
  return {
    id: "deny-read",
    number: 5,
    title: "configured deny-read entries survive every override",
    defaultRuns: 15,
    async applies(env) {
      if (!env.hasFeature("sandbox")) return "the implementation does not claim sandbox";
      if (!env.claims.denyReadConfig) return "the implementation descriptor has no properties.denyReadConfig (how to start the server with configured deny-read entries)";
      if (env.claims.denyReadConfig.format === "codex-requirements") return requirementsWrapUnavailable();
      return undefined;
    },
    arbitrary: (env) =>
      fc.record({
        override: fc.oneof(
          fc.constant<DenyReadCase["override"]>({ kind: "none" }),
          sandboxCaseArb.map<DenyReadCase["override"]>((c) => ({ kind: "policy", policy: { ...c.policy, writableRoots: [] } })),
          ...(env.claims.inlinePermissionProfile
            ? [fc.constantFrom("disabled", "unrestricted", "external", "root-read", "root-write").map<DenyReadCase["override"]>((profile) => ({ kind: "profile", profile: profile as "disabled" }))]
            : []),
          ...(env.experimentalClaimed
            ? [fc.constantFrom(":danger-full-access", ":workspace", ":read-only").map<DenyReadCase["override"]>((id) => ({ kind: "profileId", id }))]
            : []),
        ),
        target: fc.nat({ max: DENIED.length - 1 }),
      }),
    async check(env: PropertyEnv, c: DenyReadCase): Promise<void> {
      const l = await layout(env);
      const file = join(l.projectRoot, "denied", DENIED[c.target]!);
      let override: Record<string, unknown> = {};
      if (c.override.kind === "policy") {
        const fake = { policy: c.override.policy, targets: [], network: false };
        override = { sandboxPolicy: toPolicy(fake, l) };
      } else if (c.override.kind === "profile") override = { permissionProfile: profileOf(c.override.profile) };
      else if (c.override.kind === "profileId") override = { permissionProfile: c.override.id };
      const control = join(l.projectRoot, "denied", CONTROL);
      const out = await runAccess(l, env, ["read", file, "read", control], override);
      if (!Array.isArray(out)) {
        // A refused override cannot read anything; the configured default itself must run.
        if (c.override.kind === "none") fail(`command/exec under the configured permissions failed: ${JSON.stringify(out.error)}`);
        return;
      }
      if (out[0] === "ok") fail(`the denied file ${file} was readable under ${JSON.stringify(override)} (configured deny-read entries must be preserved)`);
      if (out[1] !== "ok") fail(`the control file ${control} (not denied) was not readable under ${JSON.stringify(override)}: ${out[1]}`);
    },
  };
}
