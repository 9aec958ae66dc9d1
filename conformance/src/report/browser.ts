// Headless Chromium for the report's browser tests and its bench: the system browser
// (Debian's chromium) driven by playwright-core, which never downloads a browser.
// playwright-core is an optional peer dependency (only screenshots need it), imported on demand.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The browser to drive: $CHROMIUM_PATH, else /usr/bin/chromium; undefined when absent. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const p = env.CHROMIUM_PATH || "/usr/bin/chromium";
  return existsSync(p) ? p : undefined;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh headless Chromium with its own throwaway profile. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("taking a screenshot needs playwright-core (an optional peer dependency): npm install playwright-core");
  }
  const userDataDir = mkdtempSync(join(tmpdir(), "asc-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
