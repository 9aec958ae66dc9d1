// Locates the package root from any module inside it (source tree or dist/).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, whether running from schema/generator or dist/schema/generator. */
export function repoRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith("file:") ? fileURLToPath(from) : from);
  while (dirname(dir) !== dir) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "app-server-conformance") return dir;
    dir = dirname(dir);
  }
  throw new Error("cannot find the app-server-conformance package root");
}

