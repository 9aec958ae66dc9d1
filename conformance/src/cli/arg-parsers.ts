// Option value parsers shared by the kit's commands (commander reports the error).
import { InvalidArgumentError } from "commander";

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError("expected a positive number");
  return n;
}

/** Collects a repeatable option into an array. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A fast-check seed: any 32-bit integer. */
export function seedValue(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer seed");
  return n | 0;
}
