// Usage and setup problems of the gate (exit code 2), as opposed to findings (exit 1).
export class UsageError extends Error {
  override name = "UsageError";
}
