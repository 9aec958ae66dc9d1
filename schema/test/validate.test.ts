import { describe, expect, it } from "vitest";
import {
  classifyMessage,
  decodeRequest,
  ErrorCode,
  experimentalReason,
  normalizeLegacyParams,
  parseLine,
  serializeMessage,
  topLevelIdLiteral,
} from "../src/index.ts";

const detail = (method: string, params: unknown, hasParams = true) => {
  const decoded = decodeRequest(method, params, hasParams);
  if (decoded.ok) throw new Error(`expected ${method} to be rejected`);
  expect(decoded.error.code).toBe(ErrorCode.invalidRequest);
  return decoded.error.message;
};

describe("message classification", () => {
  it("classifies requests, notifications, responses and errors; tolerates jsonrpc", () => {
    expect(classifyMessage({ jsonrpc: "2.0", id: 1, method: "initialize" }).kind).toBe("request");
    expect(classifyMessage({ id: "a", method: "x", params: {} }).kind).toBe("request");
    expect(classifyMessage({ method: "initialized" }).kind).toBe("notification");
    expect(classifyMessage({ id: 1, result: {} }).kind).toBe("response");
    expect(classifyMessage({ id: 1, error: { code: 1, message: "m" } }).kind).toBe("error");
  });

  it("treats a method with an id that is not a string or integer as a notification", () => {
    expect(classifyMessage({ id: null, method: "command/exec" }).kind).toBe("notification");
    expect(classifyMessage({ id: 1.5, method: "command/exec" }).kind).toBe("notification");
    expect(classifyMessage({ id: [1], method: "command/exec" }).kind).toBe("notification");
  });

  it("marks non-JSON and non-object lines invalid", () => {
    expect(parseLine("garbage").kind).toBe("invalid");
    expect(parseLine("[1,2]").kind).toBe("invalid");
    expect(parseLine("{}").kind).toBe("invalid");
  });
});

describe("request decoding (upstream wording)", () => {
  it("rejects unknown methods and a missing params member", () => {
    expect(detail("bogus/method", {})).toMatch(/^Invalid request: unknown variant `bogus\/method`, expected one of `initialize`, /);
    expect(detail("command/exec", undefined, false)).toBe("Invalid request: missing field `params`");
  });

  it("reports a present field's bad value before a missing field, as serde does (found by differential, seed 31)", () => {
    expect(detail("process/spawn", { command: ["x"], processHandle: "h", size: { rows: 65536, cols: 0 } })).toBe(
      "Invalid request: invalid value: integer `65536`, expected u16",
    );
    expect(detail("command/exec/resize", { processId: "x", size: { cols: 1 } })).toBe("Invalid request: missing field `rows`");
  });

  it("words type errors as serde does", () => {
    expect(detail("command/exec", { command: "notarray" })).toBe('Invalid request: invalid type: string "notarray", expected a sequence');
    expect(detail("command/exec", {})).toBe("Invalid request: missing field `command`");
    expect(detail("command/exec", { command: ["x"], timeoutMs: 1.5 })).toBe(
      "Invalid request: invalid type: floating point `1.5`, expected i64",
    );
    expect(detail("command/exec", { command: ["x"], outputBytesCap: -1 })).toBe(
      "Invalid request: invalid value: integer `-1`, expected usize",
    );
    expect(detail("command/exec", { command: ["x"], size: { rows: 70000, cols: 1 } })).toBe(
      "Invalid request: invalid value: integer `70000`, expected u16",
    );
    expect(detail("command/exec", { command: ["x"], env: { A: 1 } })).toBe(
      "Invalid request: invalid type: integer `1`, expected a string",
    );
    expect(detail("command/exec", { command: ["x"], sandboxPolicy: { type: "nope" } })).toBe(
      "Invalid request: unknown variant `nope`, expected one of `dangerFullAccess`, `readOnly`, `externalSandbox`, `workspaceWrite`",
    );
    expect(detail("process/spawn", { command: ["x"], processHandle: "h", cwd: "relative" })).toBe(
      "Invalid request: AbsolutePathBuf deserialized without a base path",
    );
  });

  it("keeps absent, null and values apart for tri-state fields", () => {
    const base = { command: ["x"], processHandle: "h", cwd: "/" };
    const absent = decodeRequest("process/spawn", base);
    const nulls = decodeRequest("process/spawn", { ...base, outputBytesCap: null, timeoutMs: null });
    const values = decodeRequest("process/spawn", { ...base, outputBytesCap: 0, timeoutMs: 5 });
    expect(absent.ok && "outputBytesCap" in absent.params).toBe(false);
    expect(nulls.ok && nulls.params).toMatchObject({ outputBytesCap: null, timeoutMs: null });
    expect(values.ok && values.params).toMatchObject({ outputBytesCap: 0, timeoutMs: 5 });
  });

  it("fills SandboxPolicy defaults", () => {
    const decoded = decodeRequest("command/exec", { command: ["x"], sandboxPolicy: { type: "workspaceWrite" } });
    expect(decoded.ok && decoded.params).toMatchObject({
      sandboxPolicy: { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeSlashTmp: false, excludeTmpdirEnvVar: false },
    });
  });
});

describe("legacy input spellings", () => {
  it("ignores readOnly.access fullAccess and rejects restricted", () => {
    const ok = normalizeLegacyParams("command/exec", { command: ["x"], sandboxPolicy: { type: "readOnly", access: { type: "fullAccess" } } });
    expect(ok).toEqual({ ok: true, value: { command: ["x"], sandboxPolicy: { type: "readOnly" } } });
    expect(detail("command/exec", { command: ["x"], sandboxPolicy: { type: "readOnly", access: { type: "restricted" } } })).toBe(
      "Invalid request: readOnly.access is no longer supported; use permissionProfile for restricted reads",
    );
    expect(
      detail("command/exec", { command: ["x"], sandboxPolicy: { type: "workspaceWrite", readOnlyAccess: { type: "restricted", readableRoots: [] } } }),
    ).toBe("Invalid request: workspaceWrite.readOnlyAccess is no longer supported; use permissionProfile for restricted reads");
  });

  it("accepts access none and the untagged profile shape", () => {
    const decoded = decodeRequest("command/exec", {
      command: ["x"],
      permissionProfile: {
        network: { enabled: true },
        file_system: {
          entries: [
            { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "none" },
            { path: { type: "special", value: { kind: "current_working_directory" } }, access: "write" },
          ],
        },
      },
    });
    expect(decoded.ok && decoded.params.permissionProfile).toEqual({
      type: "managed",
      network: { enabled: true },
      fileSystem: {
        type: "restricted",
        entries: [
          { path: { type: "glob_pattern", pattern: "**/*.env" }, access: "deny" },
          { path: { type: "special", value: { kind: "project_roots" } }, access: "write" },
        ],
      },
    });
  });

  it("accepts a profile id string", () => {
    const decoded = decodeRequest("command/exec", { command: ["x"], permissionProfile: ":read-only" });
    expect(decoded.ok && decoded.params.permissionProfile).toBe(":read-only");
  });
});

describe("experimental gate", () => {
  it("names experimental methods and used experimental fields", () => {
    expect(experimentalReason("process/spawn", {})).toBe("process/spawn");
    expect(experimentalReason("command/exec", { command: ["x"], permissionProfile: ":read-only" })).toBe(
      "command/exec.permissionProfile",
    );
    expect(experimentalReason("command/exec", { command: ["x"], permissionProfile: null })).toBeUndefined();
    expect(experimentalReason("command/exec", { command: ["x"], sandboxPolicy: { type: "readOnly" } })).toBeUndefined();
  });
});

describe("upstream deserializer details", () => {
  it("names each integer field's own Rust type", () => {
    expect(detail("command/exec", { command: [], outputBytesCap: 1.5 })).toBe("Invalid request: invalid type: floating point `1.5`, expected usize");
    expect(detail("command/exec/resize", { processId: "x", size: { rows: -1, cols: 1 } })).toBe(
      "Invalid request: invalid value: integer `-1`, expected u16",
    );
    expect(detail("command/exec", { command: [], timeoutMs: "5" })).toBe('Invalid request: invalid type: string "5", expected i64');
    expect(detail("permissionProfile/list", { limit: -3 })).toBe("Invalid request: invalid value: integer `-3`, expected u32");
    expect(detail("command/exec/resize", { processId: "x", size: { cols: 1 } })).toBe("Invalid request: missing field `rows`");
  });

  it("reads params: null as a missing params member", () => {
    expect(detail("command/exec", null, true)).toBe("Invalid request: missing field `params`");
  });

  it("accepts 64-bit integers beyond 2^53 as very large values", () => {
    const decoded = decodeRequest("command/exec", JSON.parse('{"command":["x"],"timeoutMs":9223372036854775807,"outputBytesCap":18446744073709551615}'));
    expect(decoded.ok && decoded.params).toMatchObject({ timeoutMs: Number.MAX_SAFE_INTEGER, outputBytesCap: Number.MAX_SAFE_INTEGER });
    expect(detail("command/exec", { command: ["x"], outputBytesCap: 2 ** 70 })).toMatch(/^Invalid request: invalid value: integer `.*`, expected usize$/);
  });
});

describe("64-bit request ids", () => {
  it("keeps integer ids beyond 2^53 exact and echoes them as the same JSON number", () => {
    const line = '{"params":{"id":1},"method":"command/exec","id":9223372036854775807}';
    const message = parseLine(line);
    expect(message).toMatchObject({ kind: "request", id: 9223372036854775807n });
    const id = (message as { id: bigint }).id;
    expect(serializeMessage({ id, result: { ok: true } })).toBe('{"id":9223372036854775807,"result":{"ok":true}}');
    expect(serializeMessage({ id: -(2n ** 63n), error: { code: 1, message: "m" } })).toBe(
      '{"id":-9223372036854775808,"error":{"code":1,"message":"m"}}',
    );
    expect(serializeMessage({ id: 7, result: {} })).toBe('{"id":7,"result":{}}');
  });

  it("finds only the top-level id, and leaves ids outside i64 unanswerable", () => {
    expect(topLevelIdLiteral('{"a":{"id":5},"b":"\\"id\\":6","id":9007199254740993}')).toBe("9007199254740993");
    expect(topLevelIdLiteral('{"a":[{"id":5}]}')).toBeUndefined();
    // A duplicated id: the last one, as JSON.parse; a string value "id" is not a key.
    expect(topLevelIdLiteral('{"id":1,"method":"id","id":9007199254740993}')).toBe("9007199254740993");
    expect(topLevelIdLiteral('{"id":9007199254740993,"id":"x"}')).toBeUndefined();
    expect(parseLine('{"id":12345678901234567890,"method":"x"}').kind).toBe("notification");
  });
});

// Each wording below is what Codex 0.169.0 answered (recorded in
// fixtures/errors/errors.params.serde-wording-nested.jsonc).
describe("upstream wording found by the differential", () => {
  it("names the struct expected at a nested path", () => {
    expect(detail("command/exec/resize", { processId: "m", size: null })).toBe("Invalid request: invalid type: null, expected struct CommandExecTerminalSize");
    expect(detail("command/exec/resize", { processId: "m", size: -1 })).toBe("Invalid request: invalid type: integer `-1`, expected struct CommandExecTerminalSize");
    expect(detail("process/resizePty", { processHandle: "m", size: null })).toBe("Invalid request: invalid type: null, expected struct ProcessTerminalSize");
  });
  it("a path member of the wrong type: a path string", () => {
    expect(detail("command/exec", { command: ["x"], sandboxPolicy: { type: "workspaceWrite", writableRoots: [{ a: 1 }] } })).toBe("Invalid request: invalid type: map, expected path string");
    expect(detail("process/spawn", { command: ["x"], processHandle: "h", cwd: 5 })).toBe("Invalid request: invalid type: integer `5`, expected path string");
    expect(detail("permissionProfile/list", { cwd: true })).toBe("Invalid request: invalid type: boolean `true`, expected a string");
  });
  it("a tag that is not a string: a variant identifier, or an integer read as a variant index", () => {
    const exec = (type: unknown) => detail("command/exec", { command: ["x"], sandboxPolicy: { type } });
    expect(exec({ a: 1 })).toBe("Invalid request: invalid type: map, expected variant identifier");
    expect(exec(null)).toBe("Invalid request: invalid type: null, expected variant identifier");
    expect(exec(5)).toBe("Invalid request: invalid value: integer `5`, expected variant index 0 <= i < 4");
  });
  it("an integer in params beyond 64 bits is refused whatever the field, read from the line's text", () => {
    const line = (params: string, method = "command/exec") => parseLine(`{"id":1,"method":"${method}","params":${params}}`);
    expect(line('{"command":["x"],"outputBytesCap":18446744073709551616}')).toMatchObject({
      kind: "request",
      wideInteger: "invalid type: integer `18446744073709551616` as u128, expected any value",
    });
    expect(line("-9223372036854780000", "process/resizePty")).toMatchObject({ wideInteger: "invalid type: integer `-9223372036854780000` as i128, expected any value" });
    // the narrowest: one below i64::MIN (19 digits, the fewest a wide integer has)
    expect(line("-9223372036854775809")).toMatchObject({ wideInteger: "invalid type: integer `-9223372036854775809` as i128, expected any value" });
    expect(line("-9223372036854775808")).not.toHaveProperty("wideInteger");
    // u64::MAX itself fits; strings, fractions and members outside params do not count
    expect(line('{"outputBytesCap":18446744073709551615,"s":"18446744073709551616","f":18446744073709551616.5}')).not.toHaveProperty("wideInteger");
    expect(parseLine('{"id":1,"method":"x","params":{},"extra":18446744073709551616}')).not.toHaveProperty("wideInteger");
    // params before method count too; beyond 128 bits is not this error
    expect(parseLine('{"id":1,"params":{"limit":18446744073709551616},"method":"x"}')).toHaveProperty("wideInteger");
    expect(line('{"limit":340282366920938463463374607431768211456}')).not.toHaveProperty("wideInteger");
    // an unknown method is reported first
    const unknown = decodeRequest("no/such", {}, true, "wide");
    expect(unknown.ok ? undefined : unknown.error.message).toMatch(/^Invalid request: unknown variant `no\/such`/);
    const known = decodeRequest("permissionProfile/list", {}, true, "invalid type: integer `18446744073709551616` as u128, expected any value");
    expect(known.ok ? undefined : known.error.message).toBe("Invalid request: invalid type: integer `18446744073709551616` as u128, expected any value");
  });
});
