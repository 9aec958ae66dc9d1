// Implementation descriptors (fixtures/implementations/<name>.jsonc): how to start a
// server, its environment, the optional features it claims and its baseline.
//
// Strings may reference ${env:NAME}, ${env:NAME:-default}, ${home}, ${node} (this
// runtime's executable) and ${descriptorDir} (the directory of the descriptor file);
// defaults may themselves contain references. `name` may also reference
// ${programVersion} / ${programVersion:-default}: the version of the npm package the server
// program belongs to, so `codex-${programVersion}` names the release actually run.
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { z } from "zod";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import { BaselineEntry } from "../baseline/baseline.ts";
import { FEATURE_TAGS } from "../fixture/format.ts";
import { isSocketServer, parseSocketTarget, type LaunchSpec, type SocketTarget } from "../transports/index.ts";
import { splitCommandLine } from "../transports/server-process.ts";
import { packageRoot } from "../probe/probe-path.ts";

/** A problem with how the kit was called or set up (exit status 2), not a conformance failure. */
export class SetupError extends Error {}

/** Descriptors bundled with the kit, usable by name: `--implementation reference`. */
export const BUILTIN_IMPLEMENTATIONS = ["reference", "codex"] as const;

/** The descriptor file a `--implementation` value names: a path, or a built-in name. */
export function descriptorPath(value: string): string {
  if ((BUILTIN_IMPLEMENTATIONS as readonly string[]).includes(value) && !existsSync(value)) {
    return join(packageRoot(), "fixtures", "implementations", `${value}.jsonc`);
  }
  if (!existsSync(value)) {
    throw new SetupError(`no implementation descriptor ${value} (give a .jsonc file or a built-in name: ${BUILTIN_IMPLEMENTATIONS.join(", ")})`);
  }
  return value;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== "win32") accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds a bare program name in `<cwd>/node_modules/.bin`, then on PATH (absolute path or undefined). */
export function findProgram(name: string, cwd: string, pathVar: string | undefined): string | undefined {
  const dirs = [join(cwd, "node_modules", ".bin"), ...(pathVar ?? "").split(delimiter).filter(Boolean)];
  const exts = process.platform === "win32" ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((e) => e.toLowerCase())] : [""];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = resolve(cwd, dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** npx options that may precede the package name. */
const NPX_FLAGS = new Set(["--no-install", "--no", "-y", "--yes", "-q", "--quiet", "--offline", "--prefer-offline", "--"]);

/**
 * Resolves the server's program against the caller's directory and PATH before the kit
 * enters the scratch workspace: a relative path becomes absolute, a bare name is looked up
 * in ./node_modules/.bin and PATH, and `npx <bin>` is replaced by the local <bin> (npx run
 * inside the workspace would fetch whatever the public registry serves under that name).
 */
export function resolveServerArgv(argv: readonly string[], cwd = process.cwd(), pathVar = process.env.PATH, setupHint?: string): string[] {
  const hint = setupHint ? `\n${setupHint}` : "";
  let [program, ...args] = argv;
  if (program === undefined) throw new SetupError("the server command is empty");
  if (/^npx(\.cmd)?$/i.test(basename(program))) {
    while (args.length && (NPX_FLAGS.has(args[0]!) || args[0]!.startsWith("--package"))) args.shift();
    const bin = args.shift();
    if (bin === undefined) throw new SetupError("`npx` without a program name");
    const found = bin.includes("/") ? undefined : findProgram(bin, cwd, pathVar);
    if (!found) {
      throw new SetupError(
        `npx ${bin}: ${bin} is not installed in ${join(cwd, "node_modules", ".bin")} or on PATH; the kit does not let npx fetch it from the registry inside the scratch workspace (install it, or give the program's path)${hint}`,
      );
    }
    return [found, ...args];
  }
  if (isAbsolute(program) || program.includes("/") || program.includes("\\")) {
    const abs = resolve(cwd, program);
    if (!existsSync(abs)) throw new SetupError(`the server program ${program} does not exist${hint}`);
    return [abs, ...args];
  }
  const found = findProgram(program, cwd, pathVar);
  if (!found) throw new SetupError(`the server program ${program} was not found in ${join(cwd, "node_modules", ".bin")} or on PATH${hint}`);
  return [found, ...args];
}

const SocketTransport = (kind: "ws" | "unix") =>
  z
    .object({
      kind: z.literal(kind),
      authToken: z.boolean().optional().meta({
        description: "Generate a capability token per fixture and start the server with `--ws-auth capability-token --ws-token-file <file>`; the kit sends it as `Authorization: Bearer`.",
      }),
      readyFile: z.boolean().optional().meta({
        description: "Pass `--ready-file <file>` (default true). The kit also watches stderr for `listening on <url>`.",
      }),
      startTimeoutMs: z.number().int().positive().optional().meta({ description: "How long to wait for the server to listen (default 10000, scaled by the timeout multiplier)." }),
    })
    .strict();

export const TransportSpec = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("stdio") }).strict(),
    SocketTransport("ws").meta({ description: "Start the command per fixture with `--listen ws://127.0.0.1:0` and talk to it over a WebSocket." }),
    SocketTransport("unix").meta({ description: "Start the command per fixture with `--listen unix://<short temporary path>` and talk WebSocket over that Unix socket." }),
  ])
  .meta({ description: "How the kit talks to the server it starts per fixture (default stdio)." });

/** What the property-based tests may rely on (docs/properties.md). */
export const PropertyClaimsSpec = z
  .object({
    inlinePermissionProfile: z.boolean().optional().meta({ description: "command/exec accepts an inline PermissionProfile object." }),
    managedSandbox: z.boolean().optional().meta({ description: "managed policies are enforced (sandbox round-trip property)." }),
    denyReadConfig: z
      .object({
        args: z.array(z.string()).meta({ description: "Extra server arguments; ${configFile} and ${configDir} are expanded." }),
        env: z.record(z.string(), z.string()).optional(),
        format: z.enum(["reference-jsonc", "codex-toml", "codex-requirements", "deny-list-json"]),
      })
      .strict()
      .optional()
      .meta({ description: "How to start the server with configured deny-read entries (deny-read property)." }),
    skip: z.record(z.string(), z.string()).optional().meta({ description: "Property id -> the reason it does not apply." }),
  })
  .strict();

/** Differences from the oracle this implementation declares, each with its reason (docs/differential.md). */
export const KnownDifferenceSpec = z
  .object({
    method: z.string().min(1).meta({ description: "Glob over the method the divergence concerns (e.g. `command/exec`, `process/**`, `session`)." }),
    path: z.string().optional().meta({ description: "Glob over the path inside the message, e.g. `error.message`, `stdout`, `result.*` (default: any)." }),
    kind: z.enum(["value", "type", "missing", "extra", "outcome"]).optional().meta({ description: "The kind of divergence (default: any)." }),
    when: z.unknown().optional().meta({ description: "A matcher (fixture syntax) the params of the request concerned must match, e.g. {\"permissionProfile\": {\"$type\": \"object\"}}." }),
    reason: z.string().min(1).meta({ description: "Why the difference is accepted." }),
  })
  .strict();

export const ImplementationDescriptor = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).meta({
      description: "Shown in reports. May use the string references, and ${programVersion} (with an optional :-default): the version in the package.json nearest to the server program, symlinks followed.",
    }),
    description: z.string().optional(),
    command: z.array(z.string()).min(1).meta({ description: "argv of the server (stdio JSONL; with a socket `transport`, the kit appends `--listen ...`)." }),
    transport: TransportSpec.optional(),
    env: z.record(z.string(), z.string()).optional().meta({ description: "Added to the scrubbed environment." }),
    features: z.array(z.enum(FEATURE_TAGS)).default([]).meta({
      description: "Optional features the server claims (docs/fixtures.md#features, `app-server-conformance list --features`).",
    }),
    timeoutMultiplier: z.number().positive().optional(),
    baseline: z
      .union([z.string(), z.array(BaselineEntry)])
      .optional()
      .meta({ description: "Expected failures: a path to a baseline file (relative to the descriptor) or inline entries." }),
    setupHint: z.string().optional().meta({ description: "Shown when the server cannot be started." }),
    properties: PropertyClaimsSpec.optional().meta({ description: "Claims the property-based tests rely on." }),
    differential: z
      .object({ knownDifferences: z.array(KnownDifferenceSpec).default([]) })
      .strict()
      .optional()
      .meta({ description: "What `differential` accepts as known differences from the oracle (docs/differential.md)." }),
  })
  .strict()
  .meta({ title: "app-server-conformance implementation descriptor" });

export type ImplementationDescriptor = z.infer<typeof ImplementationDescriptor>;

/** The JSON Schema of descriptors (fixtures/implementation.schema.json). */
export function implementationJsonSchema(): unknown {
  const schema = z.toJSONSchema(ImplementationDescriptor, { target: "draft-7", io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { $comment: "Generated from conformance/src/descriptor/implementation.ts by `app-server-conformance schema`; do not edit.", ...schema };
}

export interface Implementation {
  name: string;
  file: string | undefined;
  argv: string[];
  env: Record<string, string>;
  features: string[];
  timeoutMultiplier: number;
  baselineFile: string | undefined;
  baseline: BaselineEntry[];
  setupHint: string | undefined;
  /** Declared differences from the oracle (`differential`). */
  knownDifferences?: z.infer<typeof KnownDifferenceSpec>[];
  /** Launch mode: start `argv` per fixture listening on a socket (descriptor `transport`). */
  launch?: LaunchSpec;
  /** Ad-hoc socket mode: connect to this running server (`--server ws://…` / `unix://…`). */
  connect?: SocketTarget;
}

interface ExpandContext {
  descriptorDir: string;
  env: NodeJS.ProcessEnv;
  /** The server program (command[0], expanded): set only while expanding `name`. */
  program?: string;
}

export function expandDescriptorString(text: string, ctx: ExpandContext): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf("${", i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    // find the matching close brace (defaults may nest ${...})
    let depth = 0;
    let j = start;
    for (; j < text.length; j++) {
      if (text.startsWith("${", j)) {
        depth++;
        j++;
      } else if (text[j] === "}") {
        depth--;
        if (depth === 0) break;
      }
    }
    if (j >= text.length) throw new Error(`unterminated \${ in ${JSON.stringify(text)}`);
    const body = text.slice(start + 2, j);
    out += resolveRef(body, ctx);
    i = j + 1;
  }
  return out;
}

function resolveRef(body: string, ctx: ExpandContext): string {
  if (body === "home") return homedir();
  if (body === "programVersion" || body.startsWith("programVersion:-")) {
    if (ctx.program === undefined) throw new Error("${programVersion} may only be used in the descriptor's name");
    const version = programVersion(ctx.program, ctx.env);
    if (version !== undefined) return version;
    if (body.startsWith("programVersion:-")) return expandDescriptorString(body.slice("programVersion:-".length), ctx);
    throw new Error(`\${programVersion}: no package.json with a version above ${ctx.program} (give a default: \${programVersion:-...})`);
  }
  if (body === "node") return process.execPath;
  if (body === "descriptorDir") return ctx.descriptorDir;
  if (body.startsWith("env:")) {
    const rest = body.slice(4);
    const sepAt = rest.indexOf(":-");
    const name = sepAt >= 0 ? rest.slice(0, sepAt) : rest;
    const value = ctx.env[name];
    if (value !== undefined && value !== "") return value;
    if (sepAt >= 0) return expandDescriptorString(rest.slice(sepAt + 2), ctx);
    throw new Error(`environment variable ${name} is not set`);
  }
  throw new Error(`unknown reference \${${body}}`);
}

/**
 * The `version` of the package.json nearest above the program (symlinks followed, so
 * node_modules/.bin/codex finds @openai/codex's), or undefined when the program, that
 * package.json or its version cannot be found (a farther package.json is not the
 * program's). A bare name is looked up as the server's program will be
 * (./node_modules/.bin, then PATH).
 */
export function programVersion(program: string, env: NodeJS.ProcessEnv, cwd = process.cwd()): string | undefined {
  const path = isAbsolute(program) || program.includes("/") || program.includes("\\") ? resolve(cwd, program) : findProgram(program, cwd, env.PATH);
  if (path === undefined || !existsSync(path)) return undefined;
  let dir = dirname(realpathSync(path));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const version = (JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown }).version;
        return typeof version === "string" && version !== "" ? version : undefined;
      } catch {
        return undefined;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function loadBaselineFile(file: string): BaselineEntry[] {
  const raw = parseJsonc(readFileSync(file, "utf8"), file);
  const list = Array.isArray(raw) ? raw : (raw as { entries?: unknown })?.entries;
  const parsed = z.array(BaselineEntry).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

export function loadImplementation(file: string, env: NodeJS.ProcessEnv = process.env): Implementation {
  const abs = resolve(file);
  let raw: unknown;
  try {
    raw = parseJsonc(readFileSync(abs, "utf8"), file);
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const parsed = ImplementationDescriptor.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SetupError(`${file}: ${issue.path.join(".") || "<root>"}: ${issue.message}`);
  }
  const d = parsed.data;
  const ctx = { descriptorDir: dirname(abs), env };
  const x = (s: string) => expandDescriptorString(s, ctx);
  let baselineFile: string | undefined;
  let baseline: BaselineEntry[] = [];
  if (typeof d.baseline === "string") {
    baselineFile = resolve(dirname(abs), x(d.baseline));
    baseline = existsSync(baselineFile) ? loadBaselineFile(baselineFile) : [];
  } else if (Array.isArray(d.baseline)) {
    baseline = d.baseline;
  }
  const argv = d.command.map(x);
  return {
    name: expandDescriptorString(d.name, { ...ctx, program: argv[0]! }),
    file: abs,
    argv,
    env: Object.fromEntries(Object.entries(d.env ?? {}).map(([k, v]) => [k, x(v)])),
    features: d.features,
    timeoutMultiplier: d.timeoutMultiplier ?? 1,
    baselineFile,
    baseline,
    setupHint: d.setupHint,
    knownDifferences: d.differential?.knownDifferences ?? [],
    ...(d.transport !== undefined && d.transport.kind !== "stdio" ? { launch: d.transport } : {}),
  };
}

function checkedFeatures(list: string[]): string[] {
  const unknown = list.filter((f) => !(FEATURE_TAGS as readonly string[]).includes(f));
  if (unknown.length) throw new SetupError(`--feature: unknown feature ${unknown.join(", ")} (one of ${FEATURE_TAGS.join(", ")})`);
  return list;
}

/**
 * What `--server` claims without `--feature`: everything but the platform-specific features.
 * Sandboxing included: a security claim is judged unless it is disclaimed explicitly (a
 * descriptor or --feature list without it), never excused by default (docs/conformance.md).
 */
export const DEFAULT_AD_HOC_FEATURES = ["experimental", "streaming-output", "streaming-stdin", "follow-up", "tty", "process-api", "sandbox", "sandbox:default"];

/** An ad-hoc implementation from `--server "<command line>"`. */
export function adHocImplementation(argv: string[], features: string[]): Implementation {
  // The server runs in a temporary workspace, so make paths relative to the invoking
  // directory absolute: the program when it contains a slash, and any argument that
  // names an existing file.
  const fixed = argv.map((arg, i) => {
    if (i === 0 || isAbsolute(arg)) return arg;
    return existsSync(arg) ? resolve(arg) : arg;
  });
  return undescribed(fixed.join(" "), fixed, features);
}

/** A server given on the command line: no descriptor, so no baseline, env or hint. */
function undescribed(name: string, argv: string[], features: string[]): Implementation {
  return { name, file: undefined, argv, env: {}, features, timeoutMultiplier: 1, baselineFile: undefined, baseline: [], setupHint: undefined };
}

/** An ad-hoc implementation from `--server ws://127.0.0.1:PORT` / `--server unix:///path.sock`. */
export function socketImplementation(server: string, target: SocketTarget, features: string[]): Implementation {
  return { ...undescribed(server.trim(), [], features), connect: target };
}

/** The implementation named by the CLI's `--implementation` / `--server` (+ `--feature`, `--auth-token-file`). */
export function implementationFromOptions(opts: { server?: string; implementation?: string; feature?: string[]; authTokenFile?: string }): Implementation {
  if (opts.server && opts.implementation) throw new SetupError("give --server or --implementation, not both");
  const socket = opts.server !== undefined && isSocketServer(opts.server);
  if (opts.authTokenFile !== undefined && !socket) throw new SetupError("--auth-token-file applies to --server ws://… and unix://… only");
  if (opts.implementation) {
    const impl = loadImplementation(descriptorPath(opts.implementation));
    if (opts.feature?.length) impl.features = checkedFeatures(opts.feature);
    impl.argv = resolveServerArgv(impl.argv, process.cwd(), process.env.PATH, impl.setupHint);
    return impl;
  }
  if (opts.server) {
    const features = opts.feature ? checkedFeatures(opts.feature) : [...DEFAULT_AD_HOC_FEATURES, ...(process.platform === "win32" ? ["windows"] : ["unix", "signals"])];
    if (socket) {
      let target: SocketTarget;
      try {
        target = parseSocketTarget(opts.server, opts.authTokenFile !== undefined ? { authTokenFile: opts.authTokenFile } : {});
      } catch (e) {
        throw new SetupError((e as Error).message);
      }
      return socketImplementation(opts.server, target, features);
    }
    let argv: string[];
    try {
      argv = splitCommandLine(opts.server);
    } catch (e) {
      throw new SetupError(`--server: ${(e as Error).message}`);
    }
    return adHocImplementation(resolveServerArgv(argv), features);
  }
  throw new SetupError("give --server \"<command line>\" (or ws://IP:PORT, unix://PATH) or --implementation <descriptor.jsonc | reference | codex>");
}
