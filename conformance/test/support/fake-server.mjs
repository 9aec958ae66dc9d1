#!/usr/bin/env node
// A tiny scriptable app-server stand-in for the kit's own tests. The script comes from the
// FAKE_SERVER_SCRIPT environment variable (JSON):
//   initialize: "ok" | "error" | "ignore"          (default "ok")
//   rules: [{ method, reply: [Message | {raw} | {delayMs}] }]  first matching rule wins;
//          in replies the string "$ID" is replaced by the request id
//   startup: [Message | {raw}]                      written at start
//   ignoreEof: boolean                              keep running after stdin closes
//   eofExitCode: number                             exit code when stdin closes (default 0)
//   leak: string[]                                  argv of a detached process to start (a leak)
import { spawn } from "node:child_process";
import process from "node:process";

const script = JSON.parse(process.env.FAKE_SERVER_SCRIPT ?? "{}");
const out = (m) => process.stdout.write(`${typeof m === "string" ? m : JSON.stringify(m)}\n`);
const subst = (v, id) => {
  if (v === "$ID") return id;
  if (Array.isArray(v)) return v.map((x) => subst(x, id));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, subst(x, id)]));
  return v;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function play(items, id) {
  for (const item of items) {
    if (item && typeof item === "object" && "delayMs" in item && Object.keys(item).length === 1) await sleep(item.delayMs);
    else if (item && typeof item === "object" && "raw" in item) out(item.raw);
    else out(subst(item, id));
  }
}

for (const item of script.startup ?? []) out(item.raw ?? item);
if (script.leak) {
  const child = spawn(script.leak[0], script.leak.slice(1), { detached: true, stdio: "ignore" });
  child.unref();
}

let buf = "";
let chain = Promise.resolve();
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let nl;
  while ((nl = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.method === "initialize") {
      const mode = script.initialize ?? "ok";
      if (mode === "ok") out({ id: msg.id, result: { userAgent: "fake/1", codexHome: "/fake-home", platformFamily: "unix", platformOs: "linux" } });
      else if (mode === "error") out({ id: msg.id, error: { code: -32600, message: "nope" } });
      continue;
    }
    const rule = (script.rules ?? []).find((r) => r.method === msg.method);
    if (rule && msg.id !== undefined) chain = chain.then(() => play(rule.reply, msg.id));
    else if (rule) chain = chain.then(() => play(rule.reply, null));
  }
});
process.stdin.on("end", () => {
  if (script.ignoreEof) {
    setInterval(() => undefined, 1000);
    return;
  }
  void chain.then(() => process.exit(script.eofExitCode ?? 0));
});
