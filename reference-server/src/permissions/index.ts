// Public surface of the pure permission model. The config file's reader (config.ts, the
// only I/O) is imported on its own: main.ts loads it only when --config is given.
export * from "./model.ts";
export * from "./glob.ts";
export * from "./resolve.ts";
