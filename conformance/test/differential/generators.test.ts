// Properties of the differential's session generators: a generated session never makes a
// follow-up race a child's own end or its output, so two correct servers cannot differ on
// it. Each property reads the session as a stranger would (the argv and the actions), not
// through the generator's own bookkeeping.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GENERATORS, outputOfWrite, LONG_CHILDREN } from "../../src/differential/generators.ts";
import type { Action, Session } from "../../src/differential/session.ts";

type Params = Record<string, unknown>;
const END_METHODS = new Set(["command/exec/terminate", "process/kill"]);
const FOLLOW_UPS = new Set(["command/exec/write", "command/exec/resize", "command/exec/terminate", "process/writeStdin", "process/resizePty", "process/kill"]);
/** Probe actions that read stdin until EOF (the child then ends when stdin closes). */
const STDIN_READERS = new Set(["echo", "count-stdin"]);
/** Probe actions allowed after "ready": they print nothing unless written to. */
const QUIET_AFTER_READY = new Set(["echo", "count-stdin", "sleep", "20000"]);

/** The process a follow-up or a stream is about: "exec:<processId>" or "proc:<handle>". */
function keyOf(method: string, params: unknown): string | undefined {
  const p = (params ?? {}) as Params;
  if (method.startsWith("command/exec") && typeof p.processId === "string") return `exec:${p.processId}`;
  if (method.startsWith("process/") && typeof p.processHandle === "string") return `proc:${p.processHandle}`;
  return undefined;
}

interface Child {
  argv: string[];
  tty: boolean;
  stdinOpen: boolean;
  /** Printed "ready" (the session waited for it) and not yet told to end. */
  running: boolean;
  /** A write whose output has not been awaited yet. */
  pendingOutput: boolean;
}

/**
 * Walks a session and returns the first race it contains: a terminate/kill or follow-up sent
 * to a running child that may already have ended by itself, a terminate/kill while output the
 * session provoked is still on its way, or a child printing something unprompted after "ready".
 */
function firstRace(session: Session): string | undefined {
  const children = new Map<string, Child>();
  for (const a of session.actions as Action[]) {
    if (a.do === "awaitOutput") {
      const c = children.get(a.processId !== undefined ? `exec:${a.processId}` : `proc:${a.processHandle}`);
      if (!c) continue;
      if (a.contains === "ready") c.running = true;
      else c.pendingOutput = false;
      continue;
    }
    if (a.do !== "send") continue;
    const p = (a.params ?? {}) as Params;
    const key = keyOf(a.method, p);
    if (!key) continue;
    if (a.method === "command/exec" || a.method === "process/spawn") {
      const argv = (p.command as string[]).map(String);
      const ready = argv.indexOf("ready\\n");
      if (ready < 0 || children.get(key)?.running) continue;
      const after = argv.slice(ready + 1);
      if (after.some((x) => !QUIET_AFTER_READY.has(x))) return `${a.method} ${JSON.stringify(argv)} prints after "ready"`;
      const tty = p.tty === true;
      children.set(key, { argv: after, tty, stdinOpen: tty || p.streamStdin === true, running: false, pendingOutput: false });
      continue;
    }
    if (!FOLLOW_UPS.has(a.method)) continue;
    const c = children.get(key);
    if (!c?.running) continue;
    const readsStdin = c.argv.some((x) => STDIN_READERS.has(x));
    if (readsStdin && !c.stdinOpen) return `${a.method} to ${key}, a child that reads a closed stdin and may have ended`;
    if (END_METHODS.has(a.method)) {
      if (c.pendingOutput) return `${a.method} to ${key} while the output of a write is still on its way`;
      c.running = false;
      continue;
    }
    if (a.method.endsWith("write") || a.method.endsWith("writeStdin")) {
      // text that is not base64 is refused, so it writes nothing
      const d = p.deltaBase64;
      const data = typeof d === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(d) ? Buffer.from(d, "base64").toString("utf8") : "";
      if (c.stdinOpen && data !== "" && (c.tty || c.argv.includes("echo"))) c.pendingOutput = true;
      if (p.closeStdin === true && c.stdinOpen) {
        c.stdinOpen = false;
        if (readsStdin) c.running = false;
      }
    }
  }
  return undefined;
}

describe("differential session generators", () => {
  for (const area of ["followups", "process"] as const) {
    it(`${area}: no follow-up races a child's own end or output it provoked`, () => {
      fc.assert(
        fc.property(GENERATORS[area], (session) => {
          expect(firstRace(session)).toBeUndefined();
        }),
        { numRuns: 2000, seed: 4242 },
      );
    });
  }

  it("the race checker sees the two races found with seed 31", () => {
    // an echo child with stdin closed, killed after "ready"
    const killed: Session = {
      area: "process",
      handshake: "experimental",
      actions: [
        { do: "send", id: 1, method: "process/spawn", params: { command: ["p", "out", "ready\\n", "echo"], processHandle: "h1", streamStdoutStderr: true } },
        { do: "awaitResponse", id: 1 },
        { do: "awaitOutput", processHandle: "h1", contains: "ready" },
        { do: "send", id: 2, method: "process/kill", params: { processHandle: "h1" } },
      ],
    };
    expect(firstRace(killed)).toMatch(/closed stdin/);
    // a child printing its size after "ready", terminated
    const sized: Session = {
      area: "followups",
      handshake: "experimental",
      actions: [
        { do: "send", id: 1, method: "command/exec", params: { command: ["p", "out", "ready\\n", "size", "sleep", "20000"], processId: "p", streamStdoutStderr: true } },
        { do: "awaitOutput", processId: "p", contains: "ready" },
        { do: "send", id: 2, method: "command/exec/terminate", params: { processId: "p" } },
      ],
    };
    expect(firstRace(sized)).toMatch(/prints after "ready"/);
    // a write to an echo child, terminated before its copy came back
    const echoed: Session = {
      area: "followups",
      handshake: "experimental",
      actions: [
        { do: "send", id: 1, method: "command/exec", params: { command: ["p", ...LONG_CHILDREN.echo.argv], processId: "p", streamStdoutStderr: true, streamStdin: true } },
        { do: "awaitOutput", processId: "p", contains: "ready" },
        { do: "send", id: 2, method: "command/exec/write", params: { processId: "p", deltaBase64: Buffer.from("one\n").toString("base64") } },
        { do: "send", id: 3, method: "command/exec/terminate", params: { processId: "p" } },
      ],
    };
    expect(firstRace(echoed)).toMatch(/still on its way/);
  });

  it("a write's output: the child's copy, and the terminal's echo under a PTY", () => {
    expect(outputOfWrite("one\n", LONG_CHILDREN.echo, false)).toBe("one\n");
    expect(outputOfWrite("one\n", LONG_CHILDREN.echo, true)).toBe("one\r\none\r\n");
    expect(outputOfWrite("one\n", LONG_CHILDREN.sleep, true)).toBe("one\r\n");
    expect(outputOfWrite("one\n", LONG_CHILDREN["count-stdin"], false)).toBeUndefined();
    expect(outputOfWrite("", LONG_CHILDREN.echo, true)).toBeUndefined();
  });
});
