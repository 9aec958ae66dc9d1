// Serialises one outgoing message. Most become one string; a message carrying LargeText
// (huge captured output) becomes a sequence of pieces whose concatenation is the JSON
// line, produced lazily while it is written, so its size is bounded by memory for the
// bytes, not by the largest JavaScript string.
import { serializeMessage } from "../../schema/src/index.ts";
import { nodeCrypto } from "./util/lazy-builtins.ts";
import { LargeText } from "./util/text.ts";

/** Pieces written as one message, in order. */
export type MessagePieces = { pieces(): Iterable<string> };

function hasLargeText(value: unknown, depth = 0): boolean {
  if (value instanceof LargeText) return true;
  if (depth > 4 || typeof value !== "object" || value === null) return false;
  return Object.values(value).some((v) => hasLargeText(v, depth + 1));
}

/** `message` as one string, or as pieces when it carries LargeText. */
export function serializeOutgoing(message: Record<string, unknown>): string | MessagePieces {
  if (!hasLargeText(message)) return serializeMessage(message);
  // Each LargeText becomes a placeholder string no other value can contain (a fresh
  // nonce), then the serialised text is cut at the placeholders.
  const nonce = nodeCrypto().randomUUID();
  const large: LargeText[] = [];
  const replace = (value: unknown, depth: number): unknown => {
    if (value instanceof LargeText) {
      large.push(value);
      return `\u0000${nonce}:${large.length - 1}\u0000`;
    }
    if (depth > 4 || typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) return value.map((v) => replace(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, depth + 1)]));
  };
  const text = serializeMessage(replace(message, 0) as Record<string, unknown>);
  return {
    *pieces() {
      let from = 0;
      for (let i = 0; i < large.length; i++) {
        const placeholder = JSON.stringify(`\u0000${nonce}:${i}\u0000`);
        const at = text.indexOf(placeholder, from);
        yield text.slice(from, at);
        yield* large[i]!.jsonPieces();
        from = at + placeholder.length;
      }
      yield text.slice(from);
    },
  };
}
