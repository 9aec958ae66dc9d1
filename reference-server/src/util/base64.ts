// Strict standard base64 (canonical padding, zero trailing bits) with the error texts of
// the Rust `base64` crate's STANDARD engine, which upstream's `invalid deltaBase64: <detail>`
// embeds. Offsets and symbols are byte-based, like the crate's.
const PAD = 0x3d;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; detail: string };

const invalidByte = (offset: number, byte: number): Base64Result => ({
  ok: false,
  detail: `Invalid symbol ${byte}, offset ${offset}.`,
});

export function decodeBase64Strict(text: string): Base64Result {
  const input = Buffer.from(text, "utf8");
  const len = input.length;
  const rem = len % 4;
  if (rem === 1) {
    const last = input[len - 1]!;
    if (last !== PAD && VALUE[last] === -1) return invalidByte(len - 1, last);
  }
  // Every complete quad except the last one, which may carry padding.
  const quads = Math.max(0, len - rem - (rem === 0 ? 4 : 0));
  for (let i = 0; i < quads; i++) {
    const b = input[i]!;
    if (VALUE[b] === -1) return invalidByte(i, b);
  }
  let morsels = 0;
  let padding = 0;
  let firstPad = 0;
  let lastSymbol = 0;
  let lastValue = 0;
  for (let i = quads; i < len; i++) {
    const b = input[i]!;
    const index = i - quads;
    if (b === PAD) {
      if (index < 2) return invalidByte(i, b);
      if (padding === 0) firstPad = index;
      padding++;
      continue;
    }
    if (padding > 0) return invalidByte(quads + firstPad, PAD);
    lastSymbol = b;
    const v = VALUE[b]!;
    if (v === -1) return invalidByte(i, b);
    lastValue = v;
    morsels++;
  }
  if (morsels === 1) return { ok: false, detail: `Invalid input length: ${len}` };
  if ((padding + morsels) % 4 !== 0) return { ok: false, detail: "Invalid padding" };
  const unusedBits = morsels === 2 ? 4 : morsels === 3 ? 2 : 0;
  if (unusedBits > 0 && (lastValue & ((1 << unusedBits) - 1)) !== 0) {
    return { ok: false, detail: `Invalid last symbol ${lastSymbol}, offset ${quads + morsels - 1}.` };
  }
  return { ok: true, bytes: Buffer.from(text, "base64") };
}
