#!/usr/bin/env node
// A deliberately partial app-server, as a third-party implementer might start one:
// `initialize` plus buffered `command/exec` (no streaming, stdin, follow-ups, tty,
// process API or sandboxing). Every other request is answered "method not found".
// `--mode crash` exits at once with a message on stderr; `--mode mute` never answers;
// `--log <file>` appends every line it receives to <file> (tests check what was sent).
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import process from "node:process";

const mode = process.argv.includes("--mode") ? process.argv[process.argv.indexOf("--mode") + 1] : "ok";
if (mode === "crash") {
  process.stderr.write("partial-server: cannot open /etc/partial-server.toml: no such file\n");
  process.exit(3);
}

const log = process.argv.includes("--log") ? process.argv[process.argv.indexOf("--log") + 1] : undefined;
const send = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
const children = new Set();
let initialized = false;

function exec(id, p) {
  if (!p || !Array.isArray(p.command) || p.command.length === 0 || p.command.some((a) => typeof a !== "string")) {
    return send({ id, error: { code: -32600, message: "Invalid request: command must be a non-empty array of strings" } });
  }
  if (p.tty || p.streamStdin || p.streamStdoutStderr) {
    return send({ id, error: { code: -32600, message: "Invalid request: only buffered command/exec is supported" } });
  }
  let child;
  try {
    child = spawn(p.command[0], p.command.slice(1), { cwd: p.cwd ?? process.cwd(), env: { ...process.env, ...(p.env ?? {}) }, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return send({ id, error: { code: -32603, message: `failed to spawn command: ${e.message}` } });
  }
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  child.on("error", (e) => {
    children.delete(child);
    send({ id, error: { code: -32603, message: `failed to spawn command: ${e.message}` } });
  });
  child.on("close", (code, signal) => {
    children.delete(child);
    if (code === null && signal === null) return;
    send({ id, result: { exitCode: code ?? 128 + 9, stdout, stderr } });
  });
}

createInterface({ input: process.stdin }).on("line", (line) => {
  if (log) appendFileSync(log, `${line}\n`);
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  if (mode === "mute" || typeof m !== "object" || m === null || typeof m.method !== "string") return;
  const hasId = typeof m.id === "string" || Number.isInteger(m.id);
  if (!hasId) return; // notifications
  process.stderr.write(`partial-server: ${m.method} ${JSON.stringify(m.id)}\n`);
  if (m.method === "initialize") {
    if (initialized) return send({ id: m.id, error: { code: -32600, message: "Already initialized" } });
    initialized = true;
    return send({ id: m.id, result: { userAgent: "partial-server/0.0.1", codexHome: process.cwd(), platformFamily: "unix", platformOs: process.platform } });
  }
  if (!initialized) return send({ id: m.id, error: { code: -32600, message: "Not initialized" } });
  if (m.method === "command/exec") return exec(m.id, m.params);
  send({ id: m.id, error: { code: -32601, message: `method not found: ${m.method}` } });
}).on("close", () => {
  for (const c of children) c.kill("SIGKILL");
  process.exit(0);
});
