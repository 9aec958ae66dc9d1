// LargeText's pieces must be exactly JSON.stringify(decodeOutput(bytes)), wherever the
// chunk and segment boundaries fall.
import { describe, expect, it } from "vitest";
import { LargeText, decodeOutput, outputText, LARGE_TEXT_BYTES } from "../../src/util/text.ts";
import { serializeOutgoing } from "../../src/message-pieces.ts";

const joined = (t: LargeText) => [...t.jsonPieces()].join("");

function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("LargeText", () => {
  it("escapes valid UTF-8 with multi-byte characters across every boundary like JSON.stringify", () => {
    const text = "é€😀\u0000\"\\\n\u2028x".repeat(200_000);
    const bytes = Buffer.from(text, "utf8");
    for (const size of [65_536, 65_537, 1 << 20, 3]) {
      expect(joined(new LargeText(chunked(bytes, size)))).toBe(JSON.stringify(text));
    }
  });

  it("falls back to windows-1252 for invalid UTF-8 like decodeOutput", () => {
    const bytes = Buffer.alloc(3 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    expect(joined(new LargeText(chunked(bytes, 65_536)))).toBe(JSON.stringify(decodeOutput(bytes)));
  });

  it("keeps small output a string and serialises a message with large output in pieces", () => {
    expect(outputText([Buffer.from("hi")])).toBe("hi");
    const big = outputText([Buffer.alloc(LARGE_TEXT_BYTES, 0x61)]);
    expect(big).toBeInstanceOf(LargeText);
    const message = { id: 7n, result: { exitCode: 0, stdout: big, stderr: "\u0000" } };
    const out = serializeOutgoing(message);
    expect(typeof out).toBe("object");
    const line = [...(out as { pieces(): Iterable<string> }).pieces()].join("");
    expect(line).toBe(`{"id":7,"result":{"exitCode":0,"stdout":"${"a".repeat(LARGE_TEXT_BYTES)}","stderr":"\\u0000"}}`);
  });
});
