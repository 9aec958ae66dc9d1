// within(): a promise raced against a deadline whose timer does not outlive the race, and
// the server process's teardown, which leaves no timer behind (one kept the kit alive for
// 1.5 s after its report).
import process from "node:process";
import { describe, expect, it } from "vitest";
import { ServerProcess } from "../../src/transports/server-process.ts";
import { within } from "../../src/transports/within.ts";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("within", () => {
  it("gives the promise's value and clears its timer", async () => {
    const before = timers();
    expect(await within(Promise.resolve(7), 60_000)).toBe(7);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("gives undefined when the deadline comes first", async () => {
    expect(await within(new Promise<number>(() => undefined), 10)).toBeUndefined();
  });
});

describe("ServerProcess", () => {
  it("leaves no timer running once the server has stopped", async () => {
    const before = timers();
    const server = new ServerProcess({
      argv: [process.execPath, "-e", "process.stdin.resume(); process.stdin.on('end', () => process.exit(0))"],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "" },
      onLine: () => undefined,
      onExit: () => undefined,
    });
    await server.stop(1500);
    expect(server.exit).toEqual({ code: 0, signal: null });
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
