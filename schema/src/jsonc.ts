// The one place JSONC is parsed (fixtures, implementation descriptors, server config).
// The design named @std/jsonc, which lives only on JSR; jsonc-parser is the npm stand-in.
import { parse, printParseErrorCode, type ParseError } from "jsonc-parser";

export class JsoncError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = "JsoncError";
  }
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

/** Parses JSON with comments and trailing commas; errors name the file, line and column. */
export function parseJsonc(text: string, file = "<input>"): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    throw new JsoncError(file, line, column, `invalid JSONC: ${printParseErrorCode(first.error)}`);
  }
  return value;
}

/** Line and column (1-based) of a JSON path inside a JSONC text, for error messages. */
export { findNodeAtLocation, parseTree } from "jsonc-parser";
export { position as offsetToPosition };
