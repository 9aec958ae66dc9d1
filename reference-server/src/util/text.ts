// Captured output to text the way upstream's "smart" decoding mostly behaves: UTF-8 when
// the bytes are valid UTF-8, otherwise a single-byte legacy decoding (windows-1252).
//
// Output can be larger than a JavaScript string may be (V8: about 2^29 characters), and
// JSON escaping can multiply it by six (NUL -> \u0000). Small output becomes a string;
// large output stays bytes (`LargeText`) and is escaped segment by segment while the
// message is written (session.ts), so no step ever holds the whole text as one string.
import * as nodeBuffer from "node:buffer";
import { TextDecoder } from "node:util";

const utf8 = new TextDecoder("utf-8", { fatal: true });
let legacy: TextDecoder | undefined;

/** Output at least this large is kept as bytes and escaped while it is written. */
export const LARGE_TEXT_BYTES = 1024 * 1024;
/** Bytes decoded and escaped at a time. */
const SEGMENT_BYTES = 1024 * 1024;

function legacyDecode(bytes: Uint8Array): string {
  try {
    legacy ??= new TextDecoder("windows-1252");
    return legacy.decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

export function decodeOutput(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return legacyDecode(bytes);
  }
}

const isUtf8: (bytes: Uint8Array) => boolean =
  typeof (nodeBuffer as { isUtf8?: unknown }).isUtf8 === "function"
    ? (nodeBuffer as unknown as { isUtf8: (b: Uint8Array) => boolean }).isUtf8
    : (bytes) => {
        try {
          utf8.decode(bytes);
          return true;
        } catch {
          return false;
        }
      };

/** Bytes of output too large to become one string; serialised as a JSON string in pieces. */
export class LargeText {
  constructor(readonly chunks: readonly Buffer[]) {}

  /**
   * Segments of about SEGMENT_BYTES. When `atCharBoundary`, cuts only before a byte that
   * starts a UTF-8 sequence, so every segment of valid UTF-8 is valid on its own.
   */
  private *segments(atCharBoundary: boolean): Generator<Buffer> {
    let parts: Buffer[] = [];
    let size = 0;
    for (const chunk of this.chunks) {
      parts.push(chunk);
      size += chunk.length;
      if (size < SEGMENT_BYTES) continue;
      const joined = Buffer.concat(parts, size);
      let cut = joined.length;
      if (atCharBoundary) {
        // Back up over continuation bytes (10xxxxxx), at most 3, to a sequence start.
        for (let i = 0; i < 4 && cut > 0 && (joined[cut - 1]! & 0xc0) === 0x80; i++) cut--;
        if (cut > 0 && joined[cut - 1]! >= 0xc0) cut--;
        if (cut === 0) cut = joined.length;
      }
      yield joined.subarray(0, cut);
      parts = cut < joined.length ? [joined.subarray(cut)] : [];
      size = joined.length - cut;
    }
    if (size > 0) yield Buffer.concat(parts, size);
  }

  /** Whether the whole output is valid UTF-8 (decides the decoding, as decodeOutput). */
  private validUtf8(): boolean {
    for (const segment of this.segments(true)) if (!isUtf8(segment)) return false;
    return true;
  }

  /** The JSON string literal (with its quotes) in pieces; the same text JSON.stringify(decodeOutput(...)) gives. */
  *jsonPieces(): Generator<string> {
    const valid = this.validUtf8();
    yield '"';
    for (const segment of this.segments(valid)) {
      const text = valid ? segment.toString("utf8") : legacyDecode(segment);
      yield JSON.stringify(text).slice(1, -1);
    }
    yield '"';
  }
}

/** Captured output as the text a reply carries: a string, or LargeText when it is large. */
export function outputText(chunks: readonly Buffer[]): string | LargeText {
  let total = 0;
  for (const c of chunks) total += c.length;
  if (total < LARGE_TEXT_BYTES) return decodeOutput(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
  return new LargeText(chunks);
}
