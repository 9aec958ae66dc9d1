// Children get stdin, stdout and stderr (or the terminal) and nothing else: a descriptor
// the server inherited from whoever started it must not reach them, sandboxed or not
// (Codex 0.169.0: "Bad file descriptor").
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RawServer } from "../helpers/raw-server.ts";

const FD = 200;
const probe = ["bash", "-c", `echo leaked >&${FD}`];

describe("inherited descriptors", () => {
  it("are closed for pipes, PTYs, the sandbox and process/spawn", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ref-fds-"));
    const host = join(dir, "host-file");
    const fd = openSync(host, "w");
    const stdio = ["pipe", "pipe", "pipe", ...Array<"ignore">(FD - 3).fill("ignore"), fd] as Array<"pipe" | number>;
    const s = new RawServer([], 1 << 20, { stdio });
    closeSync(fd);
    try {
      await s.initialize();
      const cases: Array<[string, Record<string, unknown>]> = [
        ["readOnly pipes", { command: probe, sandboxPolicy: { type: "readOnly" } }],
        ["readOnly tty", { command: probe, sandboxPolicy: { type: "readOnly" }, tty: true, processId: "t1" }],
        ["dangerFullAccess pipes", { command: probe, sandboxPolicy: { type: "dangerFullAccess" } }],
        ["dangerFullAccess tty", { command: probe, sandboxPolicy: { type: "dangerFullAccess" }, tty: true, processId: "t2" }],
      ];
      let id = 1;
      for (const [label, params] of cases) {
        s.send({ id, method: "command/exec", params });
        const reply = (await s.reply(id++)).message;
        const streamed = s.lines
          .map((l) => l.message)
          .filter((m) => m?.method === "command/exec/outputDelta" && m.params.processId === params.processId)
          .map((m) => Buffer.from(m.params.deltaBase64, "base64").toString())
          .join("");
        expect({ label, exitCode: reply.result.exitCode, text: reply.result.stderr + streamed }).toMatchObject({
          label,
          exitCode: 1,
          text: expect.stringContaining("Bad file descriptor"),
        });
      }
      s.send({ id, method: "process/spawn", params: { command: probe, processHandle: "p", cwd: "/tmp" } });
      await s.reply(id);
      const exited = await s.waitFor((l) => l.message?.method === "process/exited");
      expect(exited.message.params.stderr).toContain("Bad file descriptor");
      expect(readFileSync(host, "utf8")).toBe("");
    } finally {
      await s.stop();
    }
  });
});
