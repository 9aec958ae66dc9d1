// Node built-ins that a server start does not need before its first reply, loaded on first
// use. Every fixture of the conformance kit starts a server, and these were a tenth of the
// CPU a start spends before its `initialize` reply (node:child_process ~7 ms, node:crypto
// ~8 ms, node:fs/promises ~2 ms on a 2-core machine; docs/performance.md). Types come from
// the usual `import type`; only the loading waits.
import { createRequire } from "node:module";

let nodeRequire: NodeJS.Require | undefined;

function builtin<T>(id: string): T {
  nodeRequire ??= createRequire(import.meta.url);
  return nodeRequire(id) as T;
}

export const childProcess = (): typeof import("node:child_process") => builtin("node:child_process");
export const nodeCrypto = (): typeof import("node:crypto") => builtin("node:crypto");
export const fsPromises = (): typeof import("node:fs/promises") => builtin("node:fs/promises");
