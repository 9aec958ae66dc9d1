#!/usr/bin/env node
// A deliberately broken server for the kit's own tests: it runs a correct server (the argv
// after `--`) and corrupts the traffic in one way, chosen by the first argument:
//   cap-plus-one     command/exec and process/spawn outputBytesCap n is forwarded as n + 1
//                    (the server then delivers one byte more than the cap)
//   ignore-unset     env overrides with null (unset) are dropped before forwarding
//   stdin-drop-byte  each written deltaBase64 chunk longer than one byte loses its last byte
//   swallow-errors   error replies to unknown methods are not forwarded (no reply at all)
//   drop-config      starts the server without its `--config <file>` arguments (configured
//                    deny-read entries are lost)
//   double-exit      every process/exited notification is sent twice
//   policy-to-danger every command/exec sandboxPolicy is replaced by dangerFullAccess
//   none             forwards unchanged
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import process from "node:process";

const mode = process.argv[2];
const sep = process.argv.indexOf("--");
const [program, ...rest] = process.argv.slice(sep + 1);
const args = [];
for (let i = 0; i < rest.length; i++) {
  if (mode === "drop-config" && rest[i] === "--config") i++;
  else args.push(rest[i]);
}
const child = spawn(program, args, { stdio: ["pipe", "pipe", "inherit"] });
child.on("exit", (code) => process.exit(code ?? 1));
process.on("SIGTERM", () => child.kill("SIGTERM"));

const KNOWN = new Set([
  "initialize", "command/exec", "command/exec/write", "command/exec/terminate", "command/exec/resize",
  "process/spawn", "process/writeStdin", "process/kill", "process/resizePty",
]);
const unknownIds = new Set();

function lines(stream, onLine) {
  let buf = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      onLine(line);
    }
  });
}

function inbound(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return line;
  }
  if (!msg || typeof msg !== "object" || typeof msg.method !== "string") return line;
  const p = msg.params;
  let changed = false;
  if (mode === "cap-plus-one" && p && typeof p.outputBytesCap === "number") {
    p.outputBytesCap += 1;
    changed = true;
  }
  if (mode === "ignore-unset" && p && p.env && typeof p.env === "object") {
    for (const [k, v] of Object.entries(p.env)) {
      if (v === null) {
        delete p.env[k];
        changed = true;
      }
    }
  }
  if (mode === "stdin-drop-byte" && p && typeof p.deltaBase64 === "string") {
    const b = Buffer.from(p.deltaBase64, "base64");
    if (b.length > 1) {
      p.deltaBase64 = b.subarray(0, b.length - 1).toString("base64");
      changed = true;
    }
  }
  if (mode === "policy-to-danger" && p && p.sandboxPolicy && typeof p.sandboxPolicy === "object") {
    p.sandboxPolicy = { type: "dangerFullAccess" };
    changed = true;
  }
  if (mode === "swallow-errors" && msg.id !== undefined && !KNOWN.has(msg.method)) unknownIds.add(JSON.stringify(msg.id));
  return changed ? JSON.stringify(msg) : line;
}

function outbound(line) {
  if (mode === "double-exit" && line.includes('"process/exited"')) return `${line}\n${line}`;
  if (mode !== "swallow-errors") return line;
  try {
    const msg = JSON.parse(line);
    if (msg && msg.error && unknownIds.has(JSON.stringify(msg.id))) return undefined;
  } catch {
    // forward as is
  }
  return line;
}

lines(process.stdin, (line) => child.stdin.write(`${inbound(line)}\n`));
process.stdin.on("end", () => child.stdin.end());
lines(child.stdout, (line) => {
  const out = outbound(line);
  if (out !== undefined) process.stdout.write(`${out}\n`);
});
