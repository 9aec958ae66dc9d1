// Git-style glob patterns for deny-read entries: one translation to a regular expression,
// shared by the Linux glob expansion (matching) and the Seatbelt profile (regex rules).
//   `**/` -> zero or more directories, `**` -> anything, `*` -> within one component,
//   `?` -> one character within a component, `[...]` -> a class (leading `!` negates,
//   a leading `^` is literal), an unclosed `[` is a literal, everything else is literal.

const GLOB_CHARS = /[*?[]/;

export const hasGlobChars = (pattern: string): boolean => GLOB_CHARS.test(pattern);

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;
const escapeChar = (c: string): string => (REGEX_SPECIAL.test(c) && c !== "/" ? `\\${c}` : c);

/** Index of the `]` closing a class that opens at `open`, or -1 when unclosed. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === "!") i++;
  if (pattern[i] === "]") i++; // a leading `]` is a member
  for (; i < pattern.length; i++) if (pattern[i] === "]") return i;
  return -1;
}

function classToRegex(body: string): string {
  let out = "[";
  let i = 0;
  if (body[0] === "!") {
    out += "^";
    i = 1;
  }
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\" || c === "]" || c === "[" || (c === "^" && out.length === (body[0] === "!" ? 2 : 1))) out += `\\${c}`;
    else out += c;
  }
  return `${out}]`;
}

/** The regex body (without anchors) for a glob pattern. */
export function globBody(pattern: string): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        const atStart = i === 0 || pattern[i - 1] === "/";
        if (atStart && pattern[i + 2] === "/") {
          out += "(.*/)?";
          i += 3;
          continue;
        }
        out += ".*";
        i += 2;
        continue;
      }
      out += "[^/]*";
      i++;
    } else if (c === "?") {
      out += "[^/]";
      i++;
    } else if (c === "[") {
      const end = classEnd(pattern, i);
      if (end < 0) {
        out += "\\[";
        i++;
      } else {
        out += classToRegex(pattern.slice(i + 1, end));
        i = end + 1;
      }
    } else {
      out += escapeChar(c);
      i++;
    }
  }
  return out;
}

/** Anchored regex source: a glob matches whole paths; a plain path matches itself and below. */
export function globToRegexSource(pattern: string): string {
  if (!hasGlobChars(pattern)) return `^${globBody(pattern)}(/.*)?$`;
  return `^${globBody(pattern)}$`;
}

export function compileGlob(pattern: string): RegExp {
  return new RegExp(`^${globBody(pattern)}$`, "s");
}

/** The directory to scan from: the literal prefix up to the last `/` before the first glob char. */
export function globStaticPrefix(pattern: string): string {
  const first = pattern.search(GLOB_CHARS);
  const literal = first < 0 ? pattern : pattern.slice(0, first);
  const slash = literal.lastIndexOf("/");
  if (slash <= 0) return slash === 0 ? "/" : "";
  return literal.slice(0, slash);
}

/** Components after the static prefix: `null` when the pattern contains `**` (unbounded). */
export function globComponentDepth(pattern: string): number | null {
  const prefix = globStaticPrefix(pattern);
  const rest = pattern.slice(prefix === "/" ? 1 : prefix.length + 1);
  if (rest.includes("**")) return null;
  return rest.split("/").filter((c) => c !== "").length;
}

/** Syntax check for configured globs. Our syntax has no invalid patterns except empty ones
 *  and NUL bytes; this is where a stricter dialect would reject input. */
export function validateGlob(pattern: string): string | undefined {
  if (pattern === "") return "empty glob pattern";
  if (pattern.includes("\0")) return "glob pattern contains a NUL byte";
  return undefined;
}
