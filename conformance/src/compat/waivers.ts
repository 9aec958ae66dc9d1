// Waivers: committed, reasoned exceptions to the gate (schema/baseline/waivers.jsonc for
// the baseline check, schema/baseline/upstream-waivers.jsonc for the Codex comparison).
// A waiver names a rule and a path (`*` matches any run of characters) and optionally a
// substring of the message; a waiver that matches no finding is itself an error.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { parseJsonc } from "../../../schema/src/jsonc.ts";
import { sortFindings, type Finding } from "./diff.ts";
import { RULE_IDS, type RuleId } from "./rules.ts";

export const Waiver = z
  .object({
    rule: z.enum(RULE_IDS as [RuleId, ...RuleId[]]).meta({ description: "The rule id the finding reports." }),
    path: z.string().min(1).meta({ description: "The finding's path; `*` matches any run of characters." }),
    message: z.string().optional().meta({ description: "A substring the finding's message must contain." }),
    reason: z.string().trim().min(1).meta({ description: "Why this change is acceptable (required)." }),
  })
  .strict();
export type Waiver = z.infer<typeof Waiver>;

export class WaiverError extends Error {
  override name = "WaiverError";
}

export function parseWaivers(text: string, file: string): Waiver[] {
  const raw = parseJsonc(text, file);
  const list = Array.isArray(raw) ? raw : typeof raw === "object" && raw !== null && Array.isArray((raw as { waivers?: unknown }).waivers) ? (raw as { waivers: unknown[] }).waivers : undefined;
  if (list === undefined) throw new WaiverError(`${file}: expected {"waivers": [...]} or an array of waivers`);
  return list.map((entry, i) => {
    const parsed = Waiver.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new WaiverError(`${file}: waivers[${i}].${issue.path.join(".") || "<entry>"}: ${issue.message}`);
    }
    return parsed.data;
  });
}

/** Reads a waiver file; a missing file means no waivers. */
export function loadWaivers(file: string): Waiver[] {
  if (!existsSync(file)) return [];
  return parseWaivers(readFileSync(file, "utf8"), file);
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}

export function waiverMatches(w: Waiver, f: Finding): boolean {
  return w.rule === f.rule && globToRegExp(w.path).test(f.path) && (w.message === undefined || f.message.includes(w.message));
}

export interface ApplyOptions {
  /** Where the waivers came from, for the stale-waiver finding. */
  file: string;
  /**
   * Every unwaived difference fails (not only breaking ones): the upstream comparison,
   * where any difference from Codex must be explained.
   */
  strict?: boolean;
}

/** Marks waived findings, adds one `waiver-unused` finding per stale waiver, applies strict mode. */
export function applyWaivers(findings: readonly Finding[], waivers: readonly Waiver[], options: ApplyOptions): Finding[] {
  const used = new Set<number>();
  const out: Finding[] = findings.map((f) => {
    const index = waivers.findIndex((w) => waiverMatches(w, f));
    if (index >= 0) {
      used.add(index);
      return { ...f, severity: "waived", waivedSeverity: f.severity === "waived" ? (f.waivedSeverity ?? "info") : f.severity, waiver: { reason: waivers[index]!.reason } };
    }
    if (options.strict && f.severity !== "breaking" && f.severity !== "waived") return { ...f, severity: "breaking", strict: true };
    return f;
  });
  waivers.forEach((w, i) => {
    if (used.has(i)) return;
    out.push({
      rule: "waiver-unused",
      path: `${options.file}[${i}]`,
      message: `waiver ${w.rule} ${w.path}${w.message ? ` (${JSON.stringify(w.message)})` : ""} matches no finding; delete it`,
      severity: "breaking",
      directions: [],
      methods: [],
      experimental: false,
    });
  });
  return sortFindings(out);
}
