// `probe` subcommand: one request to a server, recording the whole transcript.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KIT_NAME, KIT_VERSION } from "../runner/kit-info.ts";
import type { ServerSpec } from "../runner/run-fixture.ts";
import { scrubbedEnv } from "../runner/server-env.ts";
import type { TranscriptEntry } from "../transports/server-process.ts";
import { openServer } from "../transports/index.ts";
import { expandValue } from "../fixture/vars.ts";

export interface ProbeOptions {
  server: ServerSpec;
  method: string;
  params: unknown;
  experimental: boolean;
  handshake: boolean;
  waitMs: number;
  timeoutMs: number;
  probe: string[];
}

export async function probeServer(o: ProbeOptions): Promise<{ answered: boolean; transcript: TranscriptEntry[] }> {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "asc-probe-")));
  const waiting = new Map<string, () => void>();
  const server = openServer({
    argv: o.server.argv,
    cwd: workspace,
    env: scrubbedEnv(o.server.env),
    ...(o.server.launch !== undefined ? { launch: o.server.launch } : {}),
    ...(o.server.connect !== undefined ? { connect: o.server.connect } : {}),
    onLine: (line) => {
      try {
        const v = JSON.parse(line) as { id?: unknown; method?: unknown };
        if (v.id !== undefined && v.method === undefined) waiting.get(JSON.stringify(v.id))?.();
      } catch {
        // shown in the transcript anyway
      }
    },
    onExit: () => {
      for (const w of waiting.values()) w();
    },
  });
  const request = (id: string, method: string, params: unknown): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), o.timeoutMs);
      waiting.set(JSON.stringify(id), () => {
        clearTimeout(timer);
        resolve(server.exit === undefined || true);
      });
      server.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
      if (server.exit !== undefined) {
        // Gone already (exited, connection closed, or never reached): no answer will come.
        clearTimeout(timer);
        waiting.delete(JSON.stringify(id));
        resolve(false);
      }
    });
  let answered = false;
  try {
    if (o.handshake) {
      await request("init", "initialize", {
        clientInfo: { name: KIT_NAME, title: null, version: KIT_VERSION },
        capabilities: { experimentalApi: o.experimental },
      });
      server.send(JSON.stringify({ method: "initialized" }));
    }
    const params = o.params === undefined ? undefined : expandValue(o.params, { workspace, probe: o.probe });
    answered = await request("probe-1", o.method, params);
    if (!answered) server.note(`no response within ${o.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, o.waitMs));
  } finally {
    await server.stop(1500);
    rmSync(workspace, { recursive: true, force: true });
  }
  return { answered, transcript: server.transcript };
}
