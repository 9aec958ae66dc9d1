// `app-server-conformance report`: JSON run reports -> the static HTML page (and, for a
// series of Codex releases, the Markdown release table).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { Command } from "commander";
import { loadFixtures } from "../fixture/load.ts";
import { packageRoot } from "../probe/probe-path.ts";
import { pathToFileURL } from "node:url";
import { chromiumPath, launchChromium } from "./browser.ts";
import { writeHtmlReport } from "./html.ts";
import { renderReleaseTable } from "./release-table.ts";
import { buildModel } from "./model.ts";
import { readRunReport } from "./run-report.ts";

/** Steps per fixture id from the corpus, for the cell view; none when the corpus cannot be read. */
export function corpusSteps(dir: string): Map<string, unknown> {
  if (!existsSync(dir)) return new Map();
  const { fixtures } = loadFixtures(dir);
  return new Map(fixtures.map((lf) => [lf.fixture.id, lf.fixture.steps]));
}

async function screenshot(page: string, png: string, hash: string): Promise<void> {
  const exe = chromiumPath();
  if (!exe) throw new Error("--screenshot: no chromium at /usr/bin/chromium (install it, or set CHROMIUM_PATH)");
  const browser = await launchChromium(exe);
  try {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 1400, height: 1500 });
    await tab.goto(`${pathToFileURL(page).href}${hash ? `#${hash.replace(/^#/, "")}` : ""}`);
    await tab.evaluate(() => document.fonts.ready);
    mkdirSync(dirname(png), { recursive: true });
    await tab.screenshot({ path: png });
  } finally {
    await browser.close();
  }
}

export function reportCommand(): Command {
  return new Command("report")
    .description("Build a static HTML report (one file, no server, no network) from JSON run reports (`run --reporter json --out FILE`, or `matrix`): the matrix of fixtures by area × runs, per-run totals and descriptor, each cell's mismatch and transcript, filters, links, and the trend across Codex releases.")
    .argument("<report.json...>", "JSON run reports, one per column, in this order")
    .option("--html <dir>", "write <dir>/index.html")
    .option("--markdown <file>", "write the release table (Markdown) for a series of Codex releases")
    .option("--title <text>", "the page title", "Conformance report")
    .option("--fixtures <dir>", "the corpus, for the fixtures' steps in the cell view", join(packageRoot(), "fixtures"))
    .option("--screenshot <png>", "also save a PNG of the page as headless Chromium shows it (needs chromium and the playwright-core dev dependency)")
    .option("--screenshot-at <hash>", "open this link first, e.g. 'cell=<fixture id>@<column>'")
    .action(async (files: string[], opts: { html?: string; markdown?: string; title: string; fixtures: string; screenshot?: string; screenshotAt?: string }) => {
      if (!opts.html && !opts.markdown) throw new Error("give --html <dir> and/or --markdown <file>");
      const reports = files.map((file) => ({ report: readRunReport(file), source: file }));
      if (opts.screenshot && !opts.html) throw new Error("--screenshot needs --html <dir>");
      if (opts.html) {
        const page = writeHtmlReport(resolve(opts.html), reports, { title: opts.title, steps: corpusSteps(resolve(opts.fixtures)) });
        process.stdout.write(`${page}\n`);
        if (opts.screenshot) {
          await screenshot(page, resolve(opts.screenshot), opts.screenshotAt ?? "");
          process.stdout.write(`${resolve(opts.screenshot)}\n`);
        }
      }
      if (opts.markdown) {
        const model = buildModel(reports);
        if (!model.trend) throw new Error("--markdown needs runs of at least two Codex releases");
        mkdirSync(dirname(resolve(opts.markdown)), { recursive: true });
        writeFileSync(opts.markdown, renderReleaseTable(model));
        process.stdout.write(`${resolve(opts.markdown)}\n`);
      }
    });
}
