// Public surface of the pure permission model (no I/O except config.ts's file read).
export * from "./model.ts";
export * from "./glob.ts";
export * from "./resolve.ts";
export * from "./config.ts";
