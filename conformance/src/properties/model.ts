// The kit's own models of the surface, independent of any server: output caps, the
// probe's output patterns and the environment merge.
import { Buffer } from "node:buffer";
import type { CapChoice, Surface } from "./run-process.ts";

export const DEFAULT_OUTPUT_CAP = 1_048_576;

/**
 * The effective per-stream cap (Infinity = none). command/exec: absent and null mean the
 * 1 MiB default, disableOutputCap means none. process/spawn: absent means 1 MiB, null none.
 */
export function effectiveCap(surface: Surface, cap: CapChoice): number {
  switch (cap.kind) {
    case "number":
      return cap.n;
    case "disabled":
      return Infinity;
    case "absent":
      return DEFAULT_OUTPUT_CAP;
    case "null":
      return surface === "exec" ? DEFAULT_OUTPUT_CAP : Infinity;
  }
}

/** The bytes the probe's `outn <n> <pattern>` writes (pattern given without escapes). */
export function patterned(n: number, pattern: string): Buffer {
  const unit = Buffer.from(pattern.length > 0 ? pattern : "0123456789", "utf8");
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = unit[i % unit.length]!;
  return out;
}

export interface StreamExpectation {
  /** The bytes that must be delivered. */
  bytes: Buffer;
  /** Whether the cap was reached; undefined = either is acceptable (0 bytes with cap 0). */
  capReached: boolean | undefined;
}

export function expectStream(size: number, pattern: string, cap: number): StreamExpectation {
  const delivered = Math.min(size, cap);
  const capReached = size === 0 && cap === 0 ? undefined : size >= cap;
  return { bytes: patterned(delivered, pattern), capReached };
}

/** The longest prefix of `bytes` that ends on a UTF-8 character boundary, and whether it is all of it. */
export function utf8Prefix(bytes: Buffer): { text: string; complete: boolean } {
  const full = bytes.toString("utf8");
  if (Buffer.from(full, "utf8").equals(bytes)) return { text: full, complete: true };
  for (let cut = bytes.length - 1; cut >= Math.max(0, bytes.length - 4); cut--) {
    const part = bytes.subarray(0, cut);
    const text = part.toString("utf8");
    if (Buffer.from(text, "utf8").equals(part)) return { text, complete: false };
  }
  return { text: "", complete: false };
}

/**
 * Buffered output is text: when the expected bytes are valid UTF-8 the text must equal them.
 * When a cap cut a character in two the bytes are not valid UTF-8 and servers decode them
 * "smartly" (Codex falls back to a legacy single-byte encoding), so only the size is checked:
 * the text is empty exactly when no bytes were expected and has at most one UTF-16 unit per
 * expected byte. Returns a problem or undefined.
 */
export function checkBufferedText(actual: string, expected: Buffer): string | undefined {
  const { text, complete } = utf8Prefix(expected);
  if (complete) {
    if (actual === text) return undefined;
    return `buffered text differs: expected ${describeText(text)}, got ${describeText(actual)}`;
  }
  if (actual.length > 0 && actual.length <= expected.length) return undefined;
  return `buffered text (a cap cut a UTF-8 character, so only the size is checked) has ${actual.length} UTF-16 units for ${expected.length} expected bytes: ${describeText(actual)}`;
}

export function describeText(s: string): string {
  const bytes = Buffer.byteLength(s, "utf8");
  const shown = s.length > 80 ? `${JSON.stringify(s.slice(0, 60))}…` : JSON.stringify(s);
  return `${shown} (${bytes} bytes)`;
}

export function describeBytes(b: Buffer): string {
  const hex = b.subarray(0, 24).toString("hex");
  return `${b.length} bytes${b.length ? ` [${hex}${b.length > 24 ? "…" : ""}]` : ""}`;
}

/** First index where two buffers differ (or -1). */
export function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The environment the child must see for `names`: overrides over the inherited values. */
export function mergedEnv(
  inherited: Record<string, string>,
  overrides: Record<string, string | null>,
  names: string[],
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const name of names) {
    if (Object.hasOwn(overrides, name)) {
      const v = overrides[name];
      out.set(name, v === null ? undefined : v);
    } else {
      out.set(name, inherited[name]);
    }
  }
  return out;
}

/** Parses the probe's `env NAME...` output for `names` (values never contain newlines). */
export function parseProbeEnv(text: string, names: string[]): Map<string, string | undefined> | string {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length !== names.length) return `expected ${names.length} lines from the probe, got ${lines.length}: ${JSON.stringify(text.slice(0, 300))}`;
  const out = new Map<string, string | undefined>();
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const line = lines[i]!;
    if (line === `${name} unset`) out.set(name, undefined);
    else if (line.startsWith(`${name}=`)) out.set(name, line.slice(name.length + 1));
    else return `unexpected probe line ${JSON.stringify(line)} for ${name}`;
  }
  return out;
}
