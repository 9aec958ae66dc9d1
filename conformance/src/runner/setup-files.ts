// A fixture's `setup.files`, written into its fresh workspace before the server starts.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";

export function writeSetupFiles(workspace: string, files: Record<string, string | { base64: string }>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = resolve(workspace, rel);
    // The corpus is data from anywhere: it may not write outside the workspace.
    if (!path.startsWith(workspace + sep)) throw new Error(`setup file ${rel} escapes the workspace`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === "string" ? content : Buffer.from(content.base64, "base64"));
  }
}
