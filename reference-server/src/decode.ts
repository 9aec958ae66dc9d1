// decodeRequest plus local corrections where schema/src and Codex differ: `params: null`
// (Codex: missing field), 64-bit integers beyond 2^53 (Codex accepts them), and the
// integer-kind wording (serde-detail says `i64` for a fractional usize and `usize` for a
// negative u16; Codex names the field's own Rust type). Remove when schema/src is fixed.
import {
  clientRequests,
  decodeRequest,
  isClientRequestMethod,
  normalizeLegacyParams,
  type DecodedRequest,
} from "../../schema/src/index.ts";

const INTEGER_KIND: Record<string, string> = {
  rows: "u16",
  cols: "u16",
  outputBytesCap: "usize",
  timeoutMs: "i64",
  limit: "u32",
  globScanMaxDepth: "usize",
};

const INTEGER_DETAIL = /^(Invalid request: invalid (?:type: floating point `[^`]*`|value: integer `-?\d+`), expected )(i64|usize|u16|u32|i32)$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Largest magnitudes the Rust types accept; JSON.parse rounds them up to these floats. */
const WIDE_INTEGER_LIMIT: Record<string, number> = { timeoutMs: 2 ** 63, outputBytesCap: 2 ** 64 };

/**
 * i64/u64 values beyond 2^53 arrive rounded (e.g. i64::MAX as 2^63). Codex accepts them;
 * clamp to the largest safe integer so they keep meaning "very large".
 */
function clampWideIntegers(method: string, params: unknown): unknown {
  if (method !== "command/exec" || !isRecord(params)) return params;
  let out: Record<string, unknown> | undefined;
  for (const [field, limit] of Object.entries(WIDE_INTEGER_LIMIT)) {
    const v = params[field];
    if (typeof v === "number" && Number.isInteger(v) && v > Number.MAX_SAFE_INTEGER && v <= limit) {
      out ??= { ...params };
      out[field] = Number.MAX_SAFE_INTEGER;
    }
  }
  return out ?? params;
}

export function decode(method: string, rawParams: unknown, rawHasParams: boolean): DecodedRequest {
  // serde reads `"params": null` as an absent Option: `missing field \`params\``.
  const hasParams = rawHasParams && rawParams !== null;
  const params = clampWideIntegers(method, rawParams);
  const decoded = decodeRequest(method, params, hasParams);
  if (decoded.ok || !isClientRequestMethod(method)) return decoded;
  const match = INTEGER_DETAIL.exec(decoded.error.message);
  if (!match) return decoded;
  const legacy = normalizeLegacyParams(method, params);
  if (!legacy.ok) return decoded;
  const parsed = clientRequests[method].params.safeParse(legacy.value);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  const field = issue?.path[issue.path.length - 1];
  const kind = typeof field === "string" ? INTEGER_KIND[field] : undefined;
  if (kind === undefined || kind === match[2]) return decoded;
  return { ok: false, error: { ...decoded.error, message: `${match[1]}${kind}` } };
}
