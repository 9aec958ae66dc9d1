// Scalar wire types shared by several methods.
import { isAbsolute } from "node:path";
import { z } from "zod";
import { describeSerdeValue } from "./serde-value.ts";

/** JSON-RPC request id: a string or a (64-bit) integer, echoed with its JSON type. */
export const RequestId = z.union([z.string(), z.int()]).meta({ id: "RequestId" });
export type RequestId = z.infer<typeof RequestId>;

/**
 * An integer of a given Rust type. Errors are worded as upstream's deserializer words them
 * (`invalid value: integer \`-1\`, expected usize`), naming the field's own type.
 */
function rustInteger(kind: string, min?: number, max?: number) {
  const error = (issue: { input?: unknown }) => {
    const input = issue.input;
    if (input === undefined) return undefined; // "missing field", worded by serde-detail
    if (typeof input === "number" && Number.isInteger(input)) return `invalid value: integer \`${input}\`, expected ${kind}`;
    return `invalid type: ${describeSerdeValue(input)}, expected ${kind}`;
  };
  let schema = z.int({ error });
  if (min !== undefined) schema = schema.min(min, { error });
  if (max !== undefined) schema = schema.max(max, { error });
  return schema;
}

export const U16 = rustInteger("u16", 0, 65_535);
export const U32 = rustInteger("u32", 0, 4_294_967_295);
export const I32 = rustInteger("i32", -2_147_483_648, 2_147_483_647);
/** usize / u64 on the wire (values beyond 2^53 are clamped before parsing: see validate.ts). */
export const UInt = rustInteger("usize", 0);
/** i64 on the wire. */
export const I64 = rustInteger("i64");
/** NonZeroUsize on the wire. */
export const NonZeroUInt = rustInteger("a nonzero usize", 1);

export const AbsolutePath = z
  .string()
  .refine((value) => isAbsolute(value), { message: "AbsolutePathBuf deserialized without a base path" })
  .meta({ id: "AbsolutePathBuf", description: "An absolute, normalized filesystem path." });

/** Environment overrides: a string sets a variable, `null` removes an inherited one. */
export const EnvOverrides = z.record(z.string(), z.string().nullable());

export const OutputStream = z.enum(["stdout", "stderr"]);
