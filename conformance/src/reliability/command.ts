// `app-server-conformance reliability` / `npm run reliability`: drives a server (and
// optionally another one side by side) the way a hostile or unlucky client would, and
// reports figures: crashes, leftover processes, descriptor leaks, memory, lock-outs.
// Small counts by default (CI); --full for the counts of docs/reliability.md.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, Option } from "commander";
import { defaultServer } from "../bench/command.ts";
import { packageRoot } from "../probe/probe-path.ts";
import { SCENARIOS, type Figure, type ReliabilityOptions, type ScenarioName } from "./scenarios.ts";

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`expected a non-negative integer, got ${v}`);
  return n;
};

export function reliabilityCommand(): Command {
  const root = packageRoot();
  return new Command("reliability")
    .description("Reliability suite: malformed input, disconnects, SIGKILL, large output, inherited descriptors, frame bombs, idle floods (Linux)")
    .option("--server <command line>", "server to drive (stdio; --listen ws://IP:PORT is appended for the WebSocket scenarios)", defaultServer(root))
    .option("--vs <command line>", "a second server driven in the same run, side by side")
    .addOption(new Option("--only <names...>", "run only these scenarios").choices(Object.keys(SCENARIOS)))
    .option("--full", "the larger counts of docs/reliability.md (minutes, ~2 GiB of memory)")
    .option("--json", "print the figures as JSON on stdout instead of a table")
    .action(async (opts: { server: string; vs?: string; only?: ScenarioName[]; full?: boolean; json?: boolean }) => {
      process.exitCode = await runReliability(opts);
    });
}

async function runReliability(cli: { server: string; vs?: string; only?: ScenarioName[]; full?: boolean; json?: boolean }): Promise<number> {
  if (process.platform !== "linux") {
    console.error("reliability: needs Linux (/proc)");
    return 2;
  }
  const full = cli.full === true;
  const cwd = mkdtempSync(join(tmpdir(), "asc-reliability-"));
  const options: ReliabilityOptions = {
    cwd,
    fuzzCount: full ? 11_000 : 1_000,
    sigkillChildren: full ? 60 : 10,
    disconnects: full ? 50 : 3,
    largeOutputMib: full ? 600 : 64,
    frameConnections: 8,
    frameMib: full ? 60 : 16,
    idleConnections: full ? 1_000 : 100,
    log: (line) => console.error(line),
  };
  const names = cli.only ?? (Object.keys(SCENARIOS) as ScenarioName[]);
  const servers = [{ label: "server", command: cli.server }, ...(cli.vs ? [{ label: "vs", command: cli.vs }] : [])];
  const results: Array<{ label: string; figures: Figure[] }> = [];
  try {
    for (const server of servers) {
      console.error(`${server.label}: ${server.command}`);
      const figures: Figure[] = [];
      for (const name of names) {
        console.error(`  ${name}`);
        try {
          figures.push(...(await SCENARIOS[name](server.command, options)));
        } catch (error) {
          figures.push({ scenario: name, metric: "scenario error", value: (error as Error).message, ok: false });
        }
      }
      results.push({ label: server.label, figures });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  if (cli.json) console.log(JSON.stringify(results, null, 2));
  else console.log(renderTable(results));
  // Only the first server is judged; --vs is for comparison.
  return results[0]!.figures.some((f) => f.ok === false) ? 1 : 0;
}

function renderTable(results: Array<{ label: string; figures: Figure[] }>): string {
  const [first, second] = results;
  const rows = first!.figures.map((f, i) => {
    const other = second?.figures.find((g, j) => g.scenario === f.scenario && (g.metric === f.metric || j === i));
    const mark = f.ok === false ? "FAIL" : f.ok === true ? "ok" : "";
    return [f.scenario, f.metric, String(f.value), mark, ...(second ? [other === undefined ? "" : String(other.value)] : [])];
  });
  const header = ["scenario", "metric", "server", "", ...(second ? ["vs"] : [])];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
