// Stability is data: every experimental method, notification and field carries this
// marker in its zod metadata, and the generators, the server's gate and the schema gate
// all read it from there.
import { z } from "zod";

export const EXPERIMENTAL_KEY = "x-experimental";

export type Stability = "stable" | "experimental";

/** Marks a field (or a whole type) as experimental. */
export function experimental<T extends z.ZodType>(schema: T): T {
  return schema.meta({ [EXPERIMENTAL_KEY]: true });
}

export function isExperimentalSchema(schema: z.ZodType): boolean {
  return z.globalRegistry.get(schema)?.[EXPERIMENTAL_KEY] === true;
}
