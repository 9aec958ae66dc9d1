// The mutation catalogue: each entry breaks ONE behaviour of a real server, by rewriting
// what the server sends (`response`) or what it is asked (`request`: standing for a server
// that ignores or misreads a parameter). The proxy applies one entry; a fixture that passes
// against the clean server and fails against the mutant "kills" it.

/** The proxy's environment: the real server's argv (JSON) and the mutation to apply. */
export const TARGET_VAR = "APP_SERVER_CONFORMANCE_MUTANT_TARGET";
export const MUTATION_VAR = "APP_SERVER_CONFORMANCE_MUTATION";

export type Message = Record<string, unknown> & {
  id?: unknown;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
};

export const AREAS = [
  "framing-ids",
  "errors",
  "handshake-gating",
  "caps-flags",
  "streams",
  "exit-codes",
  "timeouts",
  "lifecycle",
  "env-cwd",
  "stdin-tty",
  "sandbox-network",
  "permissions-pagination",
] as const;
export type Area = (typeof AREAS)[number];

/** What a mutation may do besides rewriting: answer the client itself, and keep state. */
export interface MutationContext {
  /** Sends a message to the client as if the server had sent it. */
  reply(message: Message): void;
  /** Per-connection scratch state shared by the request and response sides. */
  state: Map<string, unknown>;
}

export interface Mutation {
  id: string;
  area: Area;
  description: string;
  /** Fixture id globs tried first: the fixtures most likely to kill it (speed only). */
  hints: string[];
  /** Rewrites a client message; `undefined` swallows it (the mutation answered it itself). */
  request?(message: Message, ctx: MutationContext): Message | undefined;
  /** Rewrites a server message into zero or more messages. */
  response?(message: Message, ctx: MutationContext): Message[];
  /** Set when no client can tell the mutant from the original: not counted in the score. */
  equivalent?: string;
}

const isResponse = (m: Message) => "id" in m && m.method === undefined;
const isDelta = (m: Message) => m.method === "command/exec/outputDelta" || m.method === "process/outputDelta";
const isExit = (m: Message) => m.method === "process/exited";
const FOLLOW_UPS = new Set(["command/exec/write", "command/exec/resize", "command/exec/terminate", "process/writeStdin", "process/resizePty", "process/kill"]);

function mapDelta(m: Message, f: (bytes: Buffer) => Buffer): Message {
  if (isDelta(m) && typeof m.params?.deltaBase64 === "string") {
    m.params.deltaBase64 = f(Buffer.from(m.params.deltaBase64, "base64")).toString("base64");
  }
  return m;
}

/** The per-process key of a delta or exit notification. */
function streamKey(m: Message): string {
  const p = m.params ?? {};
  return String(p.processId ?? p.processHandle ?? "");
}

/** Answers a swallowed request with an empty success, as a server ignoring it would. */
function swallow(m: Message, ctx: MutationContext): undefined {
  ctx.reply({ id: m.id, result: {} });
  return undefined;
}

export const CATALOGUE: readonly Mutation[] = [
  // --- framing and ids
  {
    id: "string-ids",
    area: "framing-ids",
    description: "numeric response ids are echoed as strings",
    hints: ["exec.buffered.*", "handshake.*"],
    response: (m) => {
      if (isResponse(m) && typeof m.id === "number") m.id = String(m.id);
      return [m];
    },
  },
  {
    id: "id-off-by-one",
    area: "framing-ids",
    description: "numeric response ids are answered with id + 1",
    hints: ["exec.buffered.*", "handshake.*"],
    response: (m) => {
      if (isResponse(m) && typeof m.id === "number") m.id = m.id + 1;
      return [m];
    },
  },
  {
    id: "add-jsonrpc",
    area: "framing-ids",
    description: "every message carries \"jsonrpc\": \"2.0\" (the protocol omits it)",
    hints: ["handshake.*", "exec.buffered.*"],
    response: (m) => [{ jsonrpc: "2.0", ...m }],
  },
  {
    id: "extra-response",
    area: "framing-ids",
    description: "every response is sent twice",
    hints: ["handshake.*"],
    response: (m) => (isResponse(m) ? [m, structuredClone(m)] : [m]),
  },
  {
    id: "null-id-errors",
    area: "framing-ids",
    description: "error responses carry id null instead of the request's id",
    hints: ["errors.*"],
    response: (m) => {
      if (isResponse(m) && m.error) m.id = null;
      return [m];
    },
  },
  // --- error codes and messages
  {
    id: "error-code-32600",
    area: "errors",
    description: "every error code becomes -32600",
    hints: ["errors.*"],
    response: (m) => {
      if (m.error) m.error.code = -32600;
      return [m];
    },
  },
  {
    id: "invalid-params-as-internal",
    area: "errors",
    description: "-32602 (invalid params) errors are reported as -32603",
    hints: ["errors.*"],
    response: (m) => {
      if (m.error?.code === -32602) m.error.code = -32603;
      return [m];
    },
  },
  {
    id: "error-message-reworded",
    area: "errors",
    description: "error messages are reworded (a suffix is appended)",
    hints: ["errors.*"],
    response: (m) => {
      if (m.error && typeof m.error.message === "string") m.error.message = `${m.error.message} (mutated)`;
      return [m];
    },
  },
  {
    id: "error-as-success",
    area: "errors",
    description: "error responses become empty successes",
    hints: ["errors.*"],
    response: (m) => (isResponse(m) && m.error ? [{ id: m.id, result: {} }] : [m]),
  },
  // --- handshake and gating
  {
    id: "initialize-drops-user-agent",
    area: "handshake-gating",
    description: "the initialize result has no userAgent",
    hints: ["handshake.*"],
    request: (m, ctx) => {
      if (m.method === "initialize") ctx.state.set(`init:${JSON.stringify(m.id)}`, true);
      return m;
    },
    response: (m, ctx) => {
      if (isResponse(m) && ctx.state.get(`init:${JSON.stringify(m.id)}`) && m.result) delete m.result.userAgent;
      return [m];
    },
  },
  {
    id: "experimental-always-on",
    area: "handshake-gating",
    description: "experimental methods and fields are accepted without capabilities.experimentalApi",
    hints: ["gating.*"],
    request: (m) => {
      if (m.method === "initialize" && m.params) {
        const caps = (m.params.capabilities as Record<string, unknown> | null | undefined) ?? {};
        m.params.capabilities = { ...caps, experimentalApi: true };
      }
      return m;
    },
  },
  {
    id: "experimental-always-off",
    area: "handshake-gating",
    description: "capabilities.experimentalApi is ignored: experimental methods are refused",
    hints: ["process.spawn.*", "permissions.*"],
    request: (m) => {
      if (m.method === "initialize" && m.params && typeof m.params.capabilities === "object" && m.params.capabilities !== null) {
        const { experimentalApi: _dropped, ...rest } = m.params.capabilities as Record<string, unknown>;
        m.params.capabilities = rest;
      }
      return m;
    },
  },
  {
    id: "second-initialize-accepted",
    area: "handshake-gating",
    description: "a second initialize is answered with success instead of an error",
    hints: ["handshake.*"],
    request: (m, ctx) => {
      if (m.method === "initialize") ctx.state.set(`init:${JSON.stringify(m.id)}`, true);
      return m;
    },
    response: (m, ctx) => {
      if (isResponse(m) && m.error && ctx.state.get(`init:${JSON.stringify(m.id)}`)) return [{ id: m.id, result: { userAgent: "mutant" } }];
      return [m];
    },
  },
  // --- caps and flags
  {
    id: "drop-cap-reached",
    area: "caps-flags",
    description: "streamed deltas never say capReached",
    hints: ["exec.stream.cap-*", "process.cap.*"],
    response: (m) => {
      if (isDelta(m) && m.params) m.params.capReached = false;
      return [m];
    },
  },
  {
    id: "drop-exit-cap-flags",
    area: "caps-flags",
    description: "buffered results never say stdoutCapReached / stderrCapReached",
    hints: ["process.cap.*", "exec.cap.*"],
    response: (m) => {
      for (const o of [m.params, m.result]) {
        if (o && "stdoutCapReached" in o) o.stdoutCapReached = false;
        if (o && "stderrCapReached" in o) o.stderrCapReached = false;
      }
      return [m];
    },
  },
  {
    id: "cap-off-by-one",
    area: "caps-flags",
    description: "an output cap of n lets n + 1 bytes through",
    hints: ["exec.cap.*", "exec.stream.cap-*", "process.cap.*"],
    request: (m) => {
      if (typeof m.params?.outputBytesCap === "number" && m.params.outputBytesCap > 0) m.params.outputBytesCap += 1;
      return m;
    },
  },
  {
    id: "cap-ignored",
    area: "caps-flags",
    description: "outputBytesCap is ignored (the default cap applies)",
    hints: ["exec.cap.*", "exec.stream.cap-*", "process.cap.*"],
    request: (m) => {
      if (m.params && typeof m.params.outputBytesCap === "number") delete m.params.outputBytesCap;
      return m;
    },
  },
  {
    id: "disable-cap-ignored",
    area: "caps-flags",
    description: "disableOutputCap is ignored (the 1 MiB default cap applies)",
    hints: ["exec.cap.disable", "exec.stream.large", "exec.buffered.large-output"],
    request: (m) => {
      if (m.params?.disableOutputCap === true) delete m.params.disableOutputCap;
      return m;
    },
  },
  // --- stream reassembly
  {
    id: "late-deltas",
    area: "streams",
    description: "command/exec deltas are held back until after the response",
    hints: ["exec.stream.*"],
    response: (m, ctx) => {
      const held = (ctx.state.get("held") as Message[] | undefined) ?? [];
      if (m.method === "command/exec/outputDelta") {
        ctx.state.set("held", [...held, m]);
        return [];
      }
      if (isResponse(m) && held.length) {
        ctx.state.set("held", []);
        return [m, ...held];
      }
      return [m];
    },
  },
  {
    id: "truncate-stdout",
    area: "streams",
    description: "buffered stdout loses its last character",
    hints: ["exec.buffered.*"],
    response: (m) => {
      if (typeof m.result?.stdout === "string" && m.result.stdout.length > 0) m.result.stdout = m.result.stdout.slice(0, -1);
      return [m];
    },
  },
  {
    id: "truncate-deltas",
    area: "streams",
    description: "each streamed delta loses its last byte",
    hints: ["exec.stream.*", "process.stream.*"],
    response: (m) => [mapDelta(m, (b) => (b.length > 1 ? b.subarray(0, -1) : b))],
  },
  {
    id: "swap-streams",
    area: "streams",
    description: "stdout deltas are labelled stderr and the reverse",
    hints: ["exec.stream.*", "process.stream.*"],
    response: (m) => {
      if (isDelta(m) && m.params) m.params.stream = m.params.stream === "stdout" ? "stderr" : m.params.stream === "stderr" ? "stdout" : m.params.stream;
      return [m];
    },
  },
  {
    id: "reorder-deltas",
    area: "streams",
    description: "each delta is sent after the next delta of the same process",
    hints: ["exec.stream.*", "process.stream.*", "exec.stdin.interactive"],
    response: (m, ctx) => {
      if (isDelta(m)) {
        const key = `delta:${streamKey(m)}`;
        const prev = ctx.state.get(key) as Message | undefined;
        if (prev === undefined) {
          ctx.state.set(key, m);
          return [];
        }
        ctx.state.delete(key);
        return [m, prev];
      }
      // Flush what is held before the process's final message.
      const out: Message[] = [];
      for (const [key, held] of ctx.state) {
        if (key.startsWith("delta:")) {
          out.push(held as Message);
          ctx.state.delete(key);
        }
      }
      return [...out, m];
    },
  },
  {
    id: "duplicate-deltas",
    area: "streams",
    description: "every delta is sent twice",
    hints: ["exec.stream.*", "process.stream.*"],
    response: (m) => (isDelta(m) ? [m, structuredClone(m)] : [m]),
  },
  {
    id: "wrong-delta-owner",
    area: "streams",
    description: "deltas name another processId / processHandle",
    hints: ["exec.stream.*", "process.stream.*"],
    response: (m) => {
      if (isDelta(m) && m.params) {
        if (typeof m.params.processId === "string") m.params.processId += "-x";
        if (typeof m.params.processHandle === "string") m.params.processHandle += "-x";
      }
      return [m];
    },
  },
  // --- exit codes and signals
  {
    id: "timeout-exit-1",
    area: "exit-codes",
    description: "a timed-out command reports exit code 1 instead of 124",
    hints: ["exec.timeout.*", "process.timeout.*"],
    response: (m) => {
      if (m.result?.exitCode === 124) m.result.exitCode = 1;
      if (isExit(m) && m.params?.exitCode === 124) m.params.exitCode = 1;
      return [m];
    },
  },
  {
    id: "nonzero-exit-as-zero",
    area: "exit-codes",
    description: "every non-zero exit code is reported as 0",
    hints: ["exec.buffered.exit-code", "exec.signal-exit-nonzero", "process.spawn.exit-code"],
    response: (m) => {
      for (const o of [m.result, isExit(m) ? m.params : undefined]) if (o && typeof o.exitCode === "number" && o.exitCode !== 0) o.exitCode = 0;
      return [m];
    },
  },
  {
    id: "nonzero-exit-as-1",
    area: "exit-codes",
    description: "every non-zero exit code is reported as 1",
    hints: ["exec.buffered.exit-code", "process.spawn.exit-code"],
    response: (m) => {
      for (const o of [m.result, isExit(m) ? m.params : undefined]) if (o && typeof o.exitCode === "number" && o.exitCode !== 0) o.exitCode = 1;
      return [m];
    },
  },
  {
    id: "drop-exited",
    area: "exit-codes",
    description: "process/exited is never sent",
    hints: ["process.spawn.*"],
    response: (m) => (isExit(m) ? [] : [m]),
  },
  {
    id: "terminate-ignored",
    area: "exit-codes",
    description: "command/exec/terminate and process/kill are acknowledged but do nothing",
    hints: ["exec.terminate.*", "process.kill.*"],
    request: (m, ctx) => (m.method === "command/exec/terminate" || m.method === "process/kill" ? swallow(m, ctx) : m),
  },
  // --- timeouts
  {
    id: "no-default-timeout",
    area: "timeouts",
    description: "a command sent without timeoutMs never times out",
    hints: ["exec.timeout.default-applies", "process.timeout.absent-default-applies"],
    request: (m) => {
      const p = m.params;
      if (m.method === "command/exec" && p && p.timeoutMs === undefined && p.disableTimeout === undefined) p.disableTimeout = true;
      if (m.method === "process/spawn" && p && p.timeoutMs === undefined) p.timeoutMs = null;
      return m;
    },
  },
  {
    id: "timeout-ignored",
    area: "timeouts",
    description: "timeoutMs is ignored (the default applies)",
    hints: ["exec.timeout.*", "process.timeout.*"],
    request: (m) => {
      if (typeof m.params?.timeoutMs === "number") delete m.params.timeoutMs;
      return m;
    },
  },
  {
    id: "timeout-doubled",
    area: "timeouts",
    description: "timeoutMs n ends the command after 2n ms",
    hints: ["exec.timeout.*", "process.timeout.*"],
    request: (m) => {
      if (typeof m.params?.timeoutMs === "number" && m.params.timeoutMs > 0) m.params.timeoutMs *= 2;
      return m;
    },
  },
  // --- lifecycle ordering
  {
    id: "spawn-ack-after-exit",
    area: "lifecycle",
    description: "the process/spawn response is held until the process has exited",
    hints: ["process.spawn.*"],
    request: (m, ctx) => {
      if (m.method === "process/spawn" && typeof m.params?.processHandle === "string") ctx.state.set(`spawn:${JSON.stringify(m.id)}`, m.params.processHandle);
      return m;
    },
    response: (m, ctx) => {
      if (isResponse(m) && m.result) {
        const handle = ctx.state.get(`spawn:${JSON.stringify(m.id)}`);
        if (typeof handle === "string") {
          ctx.state.set(`ack:${handle}`, m);
          return [];
        }
      }
      if (isExit(m)) {
        const ack = ctx.state.get(`ack:${streamKey(m)}`) as Message | undefined;
        if (ack) {
          ctx.state.delete(`ack:${streamKey(m)}`);
          return [ack, m];
        }
      }
      return [m];
    },
  },
  {
    id: "exited-before-output",
    area: "lifecycle",
    description: "process/exited is sent before the process's last output delta",
    hints: ["process.stream.*", "process.spawn.*"],
    response: (m, ctx) => {
      if (m.method === "process/outputDelta") {
        const key = `last:${streamKey(m)}`;
        const prev = ctx.state.get(key) as Message | undefined;
        ctx.state.set(key, m);
        return prev ? [prev] : [];
      }
      if (isExit(m)) {
        const key = `last:${streamKey(m)}`;
        const last = ctx.state.get(key) as Message | undefined;
        ctx.state.delete(key);
        return last ? [m, last] : [m];
      }
      return [m];
    },
  },
  // --- env and cwd
  {
    id: "env-ignored",
    area: "env-cwd",
    description: "the env parameter is ignored",
    hints: ["exec.env.*", "process.spawn.env-*"],
    request: (m) => {
      if (m.params && m.params.env !== undefined && m.params.env !== null) delete m.params.env;
      return m;
    },
  },
  {
    id: "env-null-keeps-variable",
    area: "env-cwd",
    description: "an env entry of null leaves the inherited variable set instead of unsetting it",
    hints: ["exec.env.null-unsets", "process.spawn.env-*"],
    request: (m) => {
      const env = m.params?.env;
      if (env && typeof env === "object") for (const [k, v] of Object.entries(env)) if (v === null) delete (env as Record<string, unknown>)[k];
      return m;
    },
  },
  {
    id: "cwd-ignored",
    area: "env-cwd",
    description: "command/exec's cwd is ignored (the server's cwd is used)",
    hints: ["exec.cwd.*"],
    request: (m) => {
      if (m.method === "command/exec" && typeof m.params?.cwd === "string") delete m.params.cwd;
      return m;
    },
  },
  // --- stdin and tty
  {
    id: "tty-ignored",
    area: "stdin-tty",
    description: "tty: true runs the command on pipes",
    hints: ["exec.tty.is-terminal", "process.tty.is-terminal"],
    request: (m) => {
      if (m.params?.tty === true) {
        m.params.tty = false;
        delete m.params.size;
      }
      return m;
    },
  },
  {
    id: "pty-bare-lf",
    area: "stdin-tty",
    description: "a terminal that writes bare \\n instead of \\r\\n",
    hints: ["exec.tty.crlf", "process.tty.crlf"],
    response: (m) => [mapDelta(m, (b) => Buffer.from(b.toString("latin1").replaceAll("\r\n", "\n"), "latin1"))],
  },
  {
    id: "write-ignored",
    area: "stdin-tty",
    description: "stdin writes are acknowledged but not delivered",
    hints: ["exec.stdin.*", "process.stdin.*", "exec.write*"],
    request: (m, ctx) => ((m.method === "command/exec/write" || m.method === "process/writeStdin") && m.params?.deltaBase64 ? swallow(m, ctx) : m),
  },
  {
    id: "close-stdin-with-first-write",
    area: "stdin-tty",
    description: "the first stdin write also closes stdin",
    hints: ["exec.stdin.interactive", "process.stdin.*"],
    request: (m) => {
      if ((m.method === "command/exec/write" || m.method === "process/writeStdin") && m.params) m.params.closeStdin = true;
      return m;
    },
  },
  {
    id: "resize-ignored",
    area: "stdin-tty",
    description: "resize requests are acknowledged but do nothing",
    hints: ["exec.tty.resize", "process.tty.resize"],
    request: (m, ctx) => (m.method === "command/exec/resize" || m.method === "process/resizePty" ? swallow(m, ctx) : m),
  },
  {
    id: "follow-ups-ignored-for-unknown-ids",
    area: "stdin-tty",
    description: "follow-up requests for unknown ids succeed instead of failing",
    hints: ["errors.*"],
    request: (m, ctx) => {
      if (m.method !== undefined && FOLLOW_UPS.has(m.method)) ctx.state.set(`follow:${JSON.stringify(m.id)}`, true);
      return m;
    },
    response: (m, ctx) => (isResponse(m) && m.error && ctx.state.get(`follow:${JSON.stringify(m.id)}`) ? [{ id: m.id, result: {} }] : [m]),
  },
  // --- sandbox and network
  {
    id: "network-on",
    area: "sandbox-network",
    description: "a readOnly / workspaceWrite policy always grants network access",
    hints: ["sandbox.network.*"],
    request: (m) => {
      const policy = m.params?.sandboxPolicy as Record<string, unknown> | undefined;
      if (policy?.type === "readOnly" || policy?.type === "workspaceWrite") policy.networkAccess = true;
      return m;
    },
  },
  {
    id: "sandbox-off",
    area: "sandbox-network",
    description: "every command runs unsandboxed (dangerFullAccess)",
    hints: ["sandbox.*"],
    request: (m) => {
      if ((m.method === "command/exec" || m.method === "process/spawn") && m.params) {
        m.params.sandboxPolicy = { type: "dangerFullAccess" };
        delete m.params.permissionProfile;
      }
      return m;
    },
  },
  {
    id: "read-only-writable",
    area: "sandbox-network",
    description: "a readOnly policy lets the command write the workspace",
    hints: ["sandbox.read-only.*"],
    request: (m) => {
      const policy = m.params?.sandboxPolicy as Record<string, unknown> | undefined;
      if (policy?.type === "readOnly") m.params!.sandboxPolicy = { type: "workspaceWrite" };
      return m;
    },
  },
  {
    id: "git-writable",
    area: "sandbox-network",
    description: "workspaceWrite also makes .git writable (a full-access policy stands in)",
    hints: ["sandbox.workspace-write.git-*"],
    request: (m) => {
      const policy = m.params?.sandboxPolicy as Record<string, unknown> | undefined;
      if (policy?.type === "workspaceWrite") m.params!.sandboxPolicy = { type: "dangerFullAccess" };
      return m;
    },
  },
  // --- permission profiles and pagination
  {
    id: "profile-ignored",
    area: "permissions-pagination",
    description: "permissionProfile is ignored (the default sandbox applies)",
    hints: ["sandbox.profile.*", "permissions.*"],
    request: (m) => {
      if (m.params && m.params.permissionProfile !== undefined) delete m.params.permissionProfile;
      return m;
    },
  },
  {
    id: "list-ignores-limit",
    area: "permissions-pagination",
    description: "permissionProfile/list ignores limit",
    hints: ["permissions.list*"],
    request: (m) => {
      if (m.method === "permissionProfile/list" && m.params) delete m.params.limit;
      return m;
    },
  },
  {
    id: "list-ignores-cursor",
    area: "permissions-pagination",
    description: "permissionProfile/list ignores cursor (always the first page)",
    hints: ["permissions.list*"],
    request: (m) => {
      if (m.method === "permissionProfile/list" && m.params) delete m.params.cursor;
      return m;
    },
  },
  {
    id: "drain-flag-false",
    area: "lifecycle",
    description: "process/exited denies a drain timeout that happened (outputDrainTimedOut: false)",
    hints: ["process.drain.*"],
    response: (m) => {
      if (isExit(m) && m.params?.outputDrainTimedOut === true) m.params.outputDrainTimedOut = false;
      return [m];
    },
  },
];

export function findMutation(id: string): Mutation | undefined {
  return CATALOGUE.find((m) => m.id === id);
}
