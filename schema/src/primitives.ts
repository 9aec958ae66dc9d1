// Scalar wire types shared by several methods.
import { isAbsolute } from "node:path";
import { z } from "zod";

/** JSON-RPC request id: a string or a (64-bit) integer, echoed with its JSON type. */
export const RequestId = z.union([z.string(), z.int()]).meta({ id: "RequestId" });
export type RequestId = z.infer<typeof RequestId>;

export const U16 = z.int().min(0).max(65_535);
export const U32 = z.int().min(0).max(4_294_967_295);
export const I32 = z.int().min(-2_147_483_648).max(2_147_483_647);
/** usize / u64 on the wire; JavaScript can represent it exactly up to 2^53. */
export const UInt = z.int().min(0);
/** i64 on the wire. */
export const I64 = z.int();

export const AbsolutePath = z
  .string()
  .refine((value) => isAbsolute(value), { message: "AbsolutePathBuf deserialized without a base path" })
  .meta({ id: "AbsolutePathBuf", description: "An absolute, normalized filesystem path." });

/** Environment overrides: a string sets a variable, `null` removes an inherited one. */
export const EnvOverrides = z.record(z.string(), z.string().nullable());

export const OutputStream = z.enum(["stdout", "stderr"]);
