// The ONE list of values that are implementation-defined by nature. Observations of both
// servers pass through it before they are compared, so two correct servers agree.
// Changing the list changes what the kit judges: bump NORMALISATION_VERSION and say why in
// docs/differential.md ("Normalisation").
import { tmpdir } from "node:os";

export const NORMALISATION_VERSION = 1;

export interface NormaliseContext {
  /** The fresh workspace of the run: becomes ${workspace}. */
  workspace: string;
  /** The directory the probes record pids in: becomes <pids>. */
  pidDir?: string;
  /** The probe's argv prefix: its elements become ${probe}. */
  probe: readonly string[];
}

export interface NormalisationRule {
  id: string;
  what: string;
}

/** Documented in docs/differential.md; the order is the order they apply in. */
export const NORMALISATION_RULES: readonly NormalisationRule[] = [
  { id: "workspace", what: "the run's fresh workspace path (and its realpath) becomes ${workspace}" },
  { id: "probe", what: "the probe program's path becomes ${probe}" },
  { id: "pid-dir", what: "the kit's pid-recording directory (APP_SERVER_CONFORMANCE_PIDS) becomes <pids>" },
  { id: "temp-paths", what: "other paths under the system temporary directory named asc-* (the kit's scratch files) become <tmp>" },
  { id: "user-agent", what: "initialize result userAgent becomes <userAgent> (server name and version)" },
  { id: "codex-home", what: "initialize result codexHome becomes <path> (where the server keeps its state)" },
  { id: "pids", what: "members named pid or processPid, and \"pid:<n>\" printed by the probe, become <pid>" },
  { id: "timings", what: "members named durationMs, elapsedMs, startedAt, emittedAtMs or timestamp become <time>" },
];

const VOLATILE_KEYS: Record<string, string> = {
  pid: "<pid>",
  processPid: "<pid>",
  durationMs: "<time>",
  elapsedMs: "<time>",
  startedAt: "<time>",
  emittedAtMs: "<time>",
  timestamp: "<time>",
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Rewrites the implementation-defined parts of a string. */
export function normaliseText(text: string, ctx: NormaliseContext): string {
  let out = text;
  if (ctx.workspace) out = out.split(ctx.workspace).join("${workspace}");
  for (const part of ctx.probe) if (part.length > 1 && part.includes("/")) out = out.split(part).join("${probe}");
  if (ctx.pidDir) out = out.split(ctx.pidDir).join("<pids>");
  out = out.replace(new RegExp(`${escapeRegex(tmpdir())}/asc-[A-Za-z0-9._-]+`, "g"), "<tmp>");
  out = out.replace(/\bpid:\d+/g, "pid:<pid>");
  return out;
}

/** Normalises a JSON value; `where` names the message it came from (e.g. "initialize"). */
export function normaliseValue(value: unknown, ctx: NormaliseContext, where = ""): unknown {
  if (typeof value === "string") return normaliseText(value, ctx);
  if (Array.isArray(value)) return value.map((v) => normaliseValue(v, ctx, where));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k in VOLATILE_KEYS && (typeof v === "number" || typeof v === "string")) out[k] = VOLATILE_KEYS[k];
      else if (where === "initialize" && k === "userAgent" && typeof v === "string") out[k] = "<userAgent>";
      else if (where === "initialize" && k === "codexHome" && typeof v === "string") out[k] = "<path>";
      else out[k] = normaliseValue(v, ctx, where);
    }
    return out;
  }
  return value;
}
