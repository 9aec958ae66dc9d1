// The names the CLI needs without loading fast-check (it loads only when a search runs).
export const AREAS = ["exec", "followups", "process", "initialize", "malformed", "world"] as const;
export type Area = (typeof AREAS)[number];

/** The kit could not run a session at all (a setup problem, exit status 2). */
export class HarnessError extends Error {}
