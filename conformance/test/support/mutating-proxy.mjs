#!/usr/bin/env node
// A JSONL proxy in front of a real server that breaks the server's output in one specific
// way (a "mutant"). The kit's tests run fixtures through it to show the corpus notices.
//   PROXY_TARGET  JSON argv of the real server
//   MUTATION      none | drop-cap-reached | late-deltas | string-ids | add-jsonrpc |
//                 error-code-32600 | drop-exited | timeout-exit-1 | extra-response | truncate-stdout
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
    default:
      return [msg];
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
process.stdin.pipe(child.stdin);
child.stdin.on("error", () => undefined);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
