// The slices `npm run mutation` runs: one concern of the reference server each, with the
// tests that exercise it. A whole run (every file against every test) does not fit on a
// small machine; a slice does. Together the slices cover every file of reference-server/src.
// `mutate`: Stryker globs; `tests`: vitest test files (the corpus is mutation/corpus.test.ts);
// `corpus`: fixture-id globs, the corpus's share of the slice.
const CORPUS = "mutation/corpus.test.ts";
const T = (name) => `reference-server/test/${name}.test.ts`;
const M = (name) => `reference-server/src/${name}.ts`;

export const SLICES = [
  {
    name: "output",
    about: "output pump (caps, chunking, drain deadline), text decoding, message pieces",
    mutate: [M("engine/output-pump"), M("util/text"), M("message-pieces")],
    tests: [T("engine/output-pump"), T("session-output-delta"), T("process-output"), CORPUS],
    corpus: ["exec.{cap,drain}.*", "process.{cap,drain}.*"],
  },
  {
    name: "payloads",
    about: "stdin payloads: strict base64 and the write/close request",
    mutate: [M("util/base64"), M("handlers/write-payload")],
    tests: [T("util/base64"), CORPUS],
    corpus: ["exec.stdin.*", "process.stdin.*", "errors.write-*", "errors.order-write-*"],
  },
  {
    name: "dispatch",
    about: "handshake, experimental gating, request validation and dispatch",
    mutate: [M("dispatch"), M("session"), M("server"), M("decode"), M("handlers/initialize"), M("handlers/permission-profile")],
    tests: [T("handshake"), T("exec-validation"), T("reliability/hostile-requests"), CORPUS],
    corpus: ["handshake.*", "gating.*", "errors.order-*", "errors.unknown-method*", "permissions.list"],
  },
  {
    name: "framing",
    about: "stdio JSONL framing, the connection, the inbound budget",
    mutate: [M("transport/stdio"), M("transport/connection"), M("transport/inbound-budget")],
    tests: [T("transport/units"), CORPUS],
    corpus: ["handshake.*", "connection.*"],
  },
  {
    name: "sockets",
    about: "WebSocket and Unix socket transports, auth, the command line and config file",
    mutate: [M("transport/{ws,unix,auth,listen,cli}"), M("main"), M("config"), M("log")],
    tests: [T("transport/ws"), T("transport/unix"), T("transport/isolation"), T("exec-config"), T("transport/units")],
    corpus: [],
  },
  {
    name: "bwrap",
    about: "the Linux sandbox: bwrap argv, paths, seccomp filter, backend choice",
    mutate: [M("sandbox/backends/{linux-bwrap,paths,seccomp,index}")],
    tests: ["reference-server/test/sandbox/{linux-argv,linux-escape,linux-pty,seccomp}.test.ts", CORPUS],
    corpus: ["sandbox.*"],
  },
  {
    name: "seatbelt",
    about: "the macOS Seatbelt profile (argv unit tests only on Linux)",
    mutate: [M("sandbox/backends/seatbelt")],
    tests: ["reference-server/test/sandbox/seatbelt.test.ts"],
    corpus: [],
  },
  {
    name: "permissions",
    about: "permission profiles: model, resolution, globs, config",
    mutate: [M("permissions/*")],
    tests: ["reference-server/test/permissions/*.test.ts", CORPUS],
    corpus: ["permissions.*", "sandbox.profile.*", "sandbox.default.*"],
  },
  {
    name: "lifecycle",
    about: "spawn (pipes, PTY), exit, signals, timeouts, process groups; command/exec and process/*",
    mutate: [M("engine/!(output-pump)"), M("handlers/{command-exec,process,types}")],
    tests: [T("exec-lifecycle"), T("process-lifecycle"), T("process-spawn"), T("exec-interactive"), T("process-interactive"), CORPUS],
    corpus: ["exec.*", "process.*", "connection.*"],
  },
];

export function sliceNamed(name) {
  const slice = SLICES.find((s) => s.name === name);
  if (!slice) throw new Error(`unknown mutation slice "${name}" (slices: ${SLICES.map((s) => s.name).join(", ")})`);
  return slice;
}
