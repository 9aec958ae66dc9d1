// Turns the first zod issue into the detail text upstream's deserializer (serde) would
// print, so `Invalid request: <detail>` reads the same from either server.
import type { z } from "zod";
import { describeSerdeValue } from "./serde-value.ts";

type Issue = z.core.$ZodIssue & { input?: unknown };

const EXPECTED: Record<string, string> = {
  string: "a string",
  array: "a sequence",
  boolean: "a boolean",
  object: "a map",
  record: "a map",
  number: "a number",
  int: "i64",
  null: "null",
};

/** serde's wording for a list of allowed variants. */
export function expectedVariants(variants: readonly unknown[]): string {
  const names = variants.map((v) => `\`${String(v)}\``);
  if (names.length === 0) return "there are no variants";
  if (names.length === 1) return `expected ${names[0]}`;
  if (names.length === 2) return `expected ${names[0]} or ${names[1]}`;
  return `expected one of ${names.join(", ")}`;
}

/** Messages the schema already words as serde does (see rustInteger in primitives.ts). */
const SERDE_WORDED = /^invalid (type|value): /;

/** The name of the struct expected at a path of the params, if the schema names one. */
export type StructAt = (path: readonly PropertyKey[]) => string | undefined;

export function serdeDetail(issue: Issue, structAt: StructAt = () => undefined, pathAt: (path: readonly PropertyKey[]) => boolean = () => false): string {
  const last = issue.path[issue.path.length - 1];
  if (SERDE_WORDED.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return `missing field \`${String(last)}\``;
      // serde names the struct it expected: "expected struct CommandExecTerminalSize"
      const struct = issue.expected === "object" ? structAt(issue.path) : undefined;
      const expected =
        struct !== undefined
          ? `struct ${struct}`
          : issue.expected === "string" && pathAt(issue.path)
            ? "path string"
            : issue.expected === "int" && typeof issue.input === "number"
              ? "i64"
              : EXPECTED[issue.expected] ?? issue.expected;
      return `invalid type: ${describeSerdeValue(issue.input)}, expected ${expected}`;
    }
    case "invalid_value":
      return `unknown variant \`${String(issue.input)}\`, ${expectedVariants(issue.values)}`;
    case "invalid_union": {
      const u = issue as { discriminator?: string; options?: unknown[]; note?: string };
      if (u.discriminator !== undefined) {
        // zod reports the whole object as input; serde talks about the tag's value.
        const input = issue.input;
        const tag = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[u.discriminator] : input;
        if (tag === undefined) return `missing field \`${u.discriminator}\``;
        // a tag that is not a string is not a variant name; a non-negative integer is read as
        // a variant's index (in range it selects that variant, which this schema does not do)
        if (typeof tag === "number" && Number.isInteger(tag) && tag >= 0) {
          return `invalid value: integer \`${tag}\`, expected variant index 0 <= i < ${(u.options ?? []).length}`;
        }
        if (typeof tag !== "string") return `invalid type: ${describeSerdeValue(tag)}, expected variant identifier`;
        return `unknown variant \`${String(tag)}\`, ${expectedVariants(u.options ?? [])}`;
      }
      const inner = (issue as { errors?: Issue[][] }).errors?.[0]?.[0];
      return inner ? serdeDetail(inner, structAt, pathAt) : `data did not match any variant`;
    }
    default:
      return issue.message;
  }
}
