// `--fixtures <dir>` (repeatable): the folders that make up the corpus. Without it, the
// kit's own corpus; `@kit` names that corpus explicitly, so `--fixtures @kit --fixtures
// ./mine` adds a folder of your own to it.
import { join, resolve } from "node:path";
import { packageRoot } from "../probe/probe-path.ts";

export const KIT_CORPUS = "@kit";

export function kitFixturesDir(): string {
  return join(packageRoot(), "fixtures");
}

export function fixtureDirs(given: readonly string[] | undefined): string[] {
  const dirs = given?.length ? given : [KIT_CORPUS];
  return [...new Set(dirs.map((d) => (d === KIT_CORPUS ? kitFixturesDir() : resolve(d))))];
}

export const FIXTURES_HELP = `a fixture folder, read recursively (repeatable; default: the kit's corpus, named ${KIT_CORPUS} to add folders to it)`;
