// The contract: every wire type of this surface, the method table and the shared helpers.
export * from "./primitives.ts";
export * from "./envelope.ts";
export * from "./initialize.ts";
export * from "./permissions.ts";
export * from "./command-exec.ts";
export * from "./process.ts";
export * from "./methods.ts";
export * from "./errors.ts";
export * from "./stability.ts";
export * from "./legacy-input.ts";
export * from "./validate.ts";
