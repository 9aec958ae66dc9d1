import { TextDecoder } from "node:util";

// Captured output to text the way upstream's "smart" decoding mostly behaves: UTF-8 when
// the bytes are valid UTF-8, otherwise a single-byte legacy decoding (windows-1252).
const utf8 = new TextDecoder("utf-8", { fatal: true });
let legacy: TextDecoder | undefined;

export function decodeOutput(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    try {
      legacy ??= new TextDecoder("windows-1252");
      return legacy.decode(bytes);
    } catch {
      return new TextDecoder("utf-8").decode(bytes);
    }
  }
}
