// Turns the first zod issue into the detail text upstream's deserializer (serde) would
// print, so `Invalid request: <detail>` reads the same from either server.
import type { z } from "zod";

type Issue = z.core.$ZodIssue & { input?: unknown };

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `boolean \`${value}\``;
  if (typeof value === "number") return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  if (Array.isArray(value)) return "sequence";
  return "map";
}

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

function integerKind(issue: Issue): string {
  const bounds = issue as { minimum?: number | bigint; maximum?: number | bigint; origin?: string };
  const other = issue.code === "too_small" ? undefined : bounds.maximum;
  if (issue.code === "too_big") {
    if (other === 65_535) return "u16";
    if (other === 4_294_967_295) return "u32";
    if (other === 2_147_483_647) return "i32";
    return "i64";
  }
  if (bounds.minimum === -2_147_483_648) return "i32";
  return "usize";
}

export function serdeDetail(issue: Issue): string {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return `missing field \`${String(last)}\``;
      const expected = issue.expected === "int" && typeof issue.input === "number" ? "i64" : EXPECTED[issue.expected] ?? issue.expected;
      return `invalid type: ${describeValue(issue.input)}, expected ${expected}`;
    }
    case "too_small":
    case "too_big":
      if (typeof issue.input === "number") return `invalid value: integer \`${issue.input}\`, expected ${integerKind(issue)}`;
      return issue.message;
    case "invalid_value":
      return `unknown variant \`${String(issue.input)}\`, ${expectedVariants(issue.values)}`;
    case "invalid_union": {
      const u = issue as { discriminator?: string; options?: unknown[]; note?: string };
      if (u.discriminator !== undefined) {
        // zod reports the whole object as input; serde talks about the tag's value.
        const input = issue.input;
        const tag = typeof input === "object" && input !== null ? (input as Record<string, unknown>)[u.discriminator] : input;
        if (tag === undefined) return `missing field \`${u.discriminator}\``;
        return `unknown variant \`${String(tag)}\`, ${expectedVariants(u.options ?? [])}`;
      }
      const inner = (issue as { errors?: Issue[][] }).errors?.[0]?.[0];
      return inner ? serdeDetail(inner) : `data did not match any variant`;
    }
    default:
      return issue.message;
  }
}
