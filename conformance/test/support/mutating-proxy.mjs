#!/usr/bin/env node
// A JSONL proxy in front of a real server that breaks one behaviour (a "mutant"), by
// rewriting the server's output or the client's requests. The kit's tests run fixtures
// through it to show the corpus notices.
//   PROXY_TARGET  JSON argv of the real server
//   MUTATION      output: none | drop-cap-reached | late-deltas | string-ids | add-jsonrpc |
//                 error-code-32600 | drop-exited | timeout-exit-1 | extra-response |
//                 truncate-stdout | pty-bare-lf | drain-flag-false
//                 requests: network-on | no-default-timeout | list-ignores-limit
import { spawn } from "node:child_process";
import process from "node:process";

const [program, ...args] = JSON.parse(process.env.PROXY_TARGET ?? "[]");
const mutation = process.env.MUTATION ?? "none";
const child = spawn(program, args, { stdio: ["pipe", "pipe", "inherit"], env: process.env });
const out = (m) => process.stdout.write(`${typeof m === "string" ? m : JSON.stringify(m)}\n`);
let held = [];

function transform(msg) {
  switch (mutation) {
    case "drop-cap-reached":
      if (msg.params && "capReached" in msg.params) msg.params.capReached = false;
      if (msg.params && "stdoutCapReached" in msg.params) msg.params.stdoutCapReached = false;
      return [msg];
    case "late-deltas":
      if (msg.method === "command/exec/outputDelta") {
        held.push(msg);
        return [];
      }
      if ("id" in msg && !("method" in msg)) {
        const release = held;
        held = [];
        return [msg, ...release];
      }
      return [msg];
    case "string-ids":
      if ("id" in msg && !("method" in msg) && typeof msg.id === "number") msg.id = String(msg.id);
      return [msg];
    case "add-jsonrpc":
      return [{ jsonrpc: "2.0", ...msg }];
    case "error-code-32600":
      if (msg.error) msg.error.code = -32600;
      return [msg];
    case "drop-exited":
      return msg.method === "process/exited" ? [] : [msg];
    case "timeout-exit-1":
      if (msg.result && msg.result.exitCode === 124) msg.result.exitCode = 1;
      if (msg.method === "process/exited" && msg.params.exitCode === 124) msg.params.exitCode = 1;
      return [msg];
    case "extra-response":
      return "id" in msg && !("method" in msg) ? [msg, msg] : [msg];
    case "truncate-stdout":
      if (msg.result && typeof msg.result.stdout === "string") msg.result.stdout = msg.result.stdout.slice(0, -1);
      return [msg];
    case "pty-bare-lf":
      // A "terminal" that writes bare \n: only PTY output holds \r\n in the corpus.
      if (typeof msg.params?.deltaBase64 === "string") {
        const text = Buffer.from(msg.params.deltaBase64, "base64").toString("latin1").replaceAll("\r\n", "\n");
        msg.params.deltaBase64 = Buffer.from(text, "latin1").toString("base64");
      }
      return [msg];
    case "drain-flag-false":
      if (msg.method === "process/exited" && msg.params.outputDrainTimedOut === true) msg.params.outputDrainTimedOut = false;
      return [msg];
    default:
      return [msg];
  }
}

// Mutations of what the server is asked, standing for a server that ignores a parameter.
function transformRequest(msg) {
  const p = msg.params;
  if (!p || typeof p !== "object") return msg;
  switch (mutation) {
    case "network-on":
      if (p.sandboxPolicy?.type === "readOnly" || p.sandboxPolicy?.type === "workspaceWrite") p.sandboxPolicy.networkAccess = true;
      return msg;
    case "no-default-timeout":
      if (msg.method === "command/exec" && p.timeoutMs === undefined && p.disableTimeout === undefined) p.disableTimeout = true;
      if (msg.method === "process/spawn" && p.timeoutMs === undefined) p.timeoutMs = null;
      return msg;
    case "list-ignores-limit":
      if (msg.method === "permissionProfile/list") delete p.limit;
      return msg;
    default:
      return msg;
  }
}

let buf = "";
child.stdout.setEncoding("utf8");
child.stdout.on("data", (chunk) => {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      out(line);
      continue;
    }
    for (const m of transform(msg)) out(m);
  }
});
let inbound = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  inbound += chunk;
  let nl;
  while ((nl = inbound.indexOf("\n")) >= 0) {
    const line = inbound.slice(0, nl);
    inbound = inbound.slice(nl + 1);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      child.stdin.write(`${line}\n`);
      continue;
    }
    child.stdin.write(`${JSON.stringify(transformRequest(msg))}\n`);
  }
});
process.stdin.on("end", () => child.stdin.end(inbound));
child.stdin.on("error", () => undefined);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
