// A throwaway corpus for CLI tests: a temporary folder with fixtures/t/ and
// fixtures/implementations/, and fixtures that pass at once or fail within 50 ms.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export const PASSES = [{ step: "sleep", ms: 1 }];
export const FAILS = [{ step: "waitFile", path: "never", withinMs: 50 }];

/** Creates the folders (removed after the test file); `write` adds a fixture t/<id>.jsonc. */
export function tempCorpus(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fx = join(dir, "fx");
  mkdirSync(join(fx, "t"), { recursive: true });
  mkdirSync(join(fx, "implementations"));
  const write = (id: string, steps: unknown[], extra: object = {}) =>
    writeFileSync(join(fx, "t", `${id}.jsonc`), JSON.stringify({ id, title: id, spec: "s", steps, ...extra }));
  return { dir, fx, write };
}
