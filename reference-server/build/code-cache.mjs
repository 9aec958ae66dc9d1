// Build step (after rolldown): writes dist/reference-server/src/bundle.cjs.cache, V8's code
// cache of the bundled server for this Node, by running the server once through a typical
// fixture's requests (initialize, a sandboxed command/exec, a process/spawn) so that the
// functions they compile are cached too. start-node.ts explains the fallbacks.
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../dist/reference-server/src/", import.meta.url));
const cache = `${dir}bundle.cjs.cache`;
rmSync(cache, { force: true });
const server = spawn(process.execPath, [`${dir}main.cjs`], {
  stdio: ["pipe", "pipe", "inherit"],
  env: { ...process.env, APP_SERVER_REFERENCE_WRITE_CODE_CACHE: "1" },
});
const requests = [
  { id: 1, method: "initialize", params: { clientInfo: { name: "build", version: "1" }, capabilities: { experimentalApi: true } } },
  { method: "initialized" },
  { id: 2, method: "command/exec", params: { command: [process.execPath, "-e", "0"], cwd: dir } },
  { id: 3, method: "process/spawn", params: { command: [process.execPath, "-e", "0"], processHandle: "build", cwd: dir, streamStdoutStderr: true } },
];
let pending = 2; // replies to 2 and the process/exited of 3
let buffered = "";
server.stdout.setEncoding("utf8").on("data", (chunk) => {
  buffered += chunk;
  for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
    const message = JSON.parse(buffered.slice(0, nl));
    buffered = buffered.slice(nl + 1);
    if (message.id === 2 || message.method === "process/exited" || (message.id === 3 && message.error)) pending--;
    if (pending === 0) server.stdin.end();
  }
});
for (const r of requests) server.stdin.write(`${JSON.stringify(r)}\n`);
const timer = setTimeout(() => server.kill("SIGKILL"), 30_000);
server.on("close", (code) => {
  clearTimeout(timer);
  if (code !== 0 || !existsSync(cache)) {
    console.error(`code-cache: the server exited with ${code} and wrote no cache; it will start without one`);
    process.exitCode = 1;
  }
});
