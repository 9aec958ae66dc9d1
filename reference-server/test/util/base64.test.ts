// Strict base64 of stdin payloads (deltaBase64). The rejection texts are what Codex 0.169.0
// answers (`invalid deltaBase64: <detail>`) for each input, recorded with command/exec/write
// to an unknown process id (the payload is checked first); the reference server matched all
// of them. Found missing by mutation testing (docs/mutation-testing.md): the corpus sends one
// bad payload, so offsets, padding and trailing-bit rules were unchecked.
import { describe, expect, test } from "vitest";
import { decodeBase64Strict } from "../../src/util/base64.ts";

const REJECTED: Array<[string, string]> = [
  ["=", "Invalid symbol 61, offset 0."],
  ["A", "Invalid input length: 1"],
  ["A=", "Invalid symbol 61, offset 1."],
  ["AB", "Invalid padding"],
  ["AB=", "Invalid padding"],
  ["AB==", "Invalid last symbol 66, offset 1."],
  ["AB===", "Invalid symbol 61, offset 2."],
  ["ABC", "Invalid padding"],
  ["ABC=", "Invalid last symbol 67, offset 2."],
  ["ABC==", "Invalid symbol 61, offset 3."],
  ["ABCD=", "Invalid symbol 61, offset 4."],
  ["ABCDE", "Invalid input length: 5"],
  ["ABCD====", "Invalid symbol 61, offset 4."],
  ["A===", "Invalid symbol 61, offset 1."],
  ["AR==", "Invalid last symbol 82, offset 1."],
  ["AAB=", "Invalid last symbol 66, offset 2."],
  ["!!!not base64!!!", "Invalid symbol 33, offset 0."],
  ["QUJD!", "Invalid symbol 33, offset 4."],
  ["QU=D", "Invalid symbol 61, offset 2."],
  ["QUJDRA", "Invalid padding"],
  ["QUJDRB==", "Invalid last symbol 66, offset 5."],
  ["QUJDRA=", "Invalid padding"],
  ["QUJDRA===", "Invalid symbol 61, offset 6."],
  ["QUJDREU", "Invalid padding"],
  ["QUJDREV=", "Invalid last symbol 86, offset 6."],
  ["QU JD", "Invalid symbol 32, offset 2."],
  ["QUJD\n", "Invalid symbol 10, offset 4."],
  ["é", "Invalid symbol 195, offset 0."],
  ["QUJDé", "Invalid symbol 195, offset 4."],
  ["QUJ-", "Invalid symbol 45, offset 3."],
  ["QUJ_", "Invalid symbol 95, offset 3."],
  ["====", "Invalid symbol 61, offset 0."],
  ["AAAA====", "Invalid symbol 61, offset 4."],
  ["A=AA", "Invalid symbol 61, offset 1."],
  ["AA=A", "Invalid symbol 61, offset 2."],
  ["AAA=AAAA", "Invalid symbol 61, offset 3."],
  ["AAAA=", "Invalid symbol 61, offset 4."],
  ["AAAAA", "Invalid input length: 5"],
  ["AAAAA=", "Invalid symbol 61, offset 5."],
  ["AAAAA==", "Invalid symbol 61, offset 5."],
  ["AAAAAA", "Invalid padding"],
  ["AAAAAB", "Invalid padding"],
  ["AAAAAAA", "Invalid padding"],
  ["AAAAAAB", "Invalid padding"],
  ["QUJDRE==", "Invalid last symbol 69, offset 5."],
  // A length of 4n+1 with a bad last byte reports that byte first, wherever else a bad one is.
  ["!AAA!", "Invalid symbol 33, offset 4."],
  ["!!!!!", "Invalid symbol 33, offset 4."],
  ["AAAA!AAA!", "Invalid symbol 33, offset 8."],
  ["!AAAB", "Invalid symbol 33, offset 0."],
  ["!AAAA", "Invalid symbol 33, offset 0."],
  ["A!AA=", "Invalid symbol 33, offset 1."],
];
const ACCEPTED = ["","ABCD","AA==","AQ==","AAA=","AAAB","QUJDRA==","QUJDREU=","AAAAAAE="];

describe("decodeBase64Strict", () => {
  test.each(REJECTED)("rejects %j: %s", (input, detail) => {
    expect(decodeBase64Strict(input)).toEqual({ ok: false, detail });
  });

  test.each(ACCEPTED)("accepts %j with the bytes it encodes", (input) => {
    const result = decodeBase64Strict(input);
    expect(result).toEqual({ ok: true, bytes: Buffer.from(input, "base64") });
    if (result.ok) expect(result.bytes.toString("base64")).toBe(input);
  });

  test("decodes every byte value", () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let n = 0; n <= all.length; n += 37) {
      const bytes = all.subarray(0, n);
      expect(decodeBase64Strict(bytes.toString("base64"))).toEqual({ ok: true, bytes });
    }
  });
});
