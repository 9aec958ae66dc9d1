// Request decoding is the contract's (schema/src/validate.ts): upstream's wording, the
// `params: null` rule and 64-bit integers all live there.
export { decodeRequest as decode } from "../../schema/src/index.ts";
