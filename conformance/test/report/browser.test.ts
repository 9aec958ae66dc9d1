// The HTML report in a real browser (Debian's chromium, headless, via playwright-core):
// it renders, its counts equal the JSON reports', a failing cell shows its transcript,
// filters change the visible rows, links and the keyboard open cells, and the page logs
// no errors. Skipped, visibly, where no chromium is installed; CI installs it.
import { mkdtempSync, rmSync } from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchChromium, type Browser } from "../../src/report/browser.ts";
import { corpusSteps } from "../../src/report/command.ts";
import { writeHtmlReport } from "../../src/report/html.ts";
import { packageRoot } from "../../src/probe/probe-path.ts";
import type { RunReport } from "../../src/report/run-report.ts";
import { probeBuilt } from "../support/helpers.ts";
import { realReports, STDERR_LINE } from "./support.ts";

const CHROMIUM = chromiumPath();
// CI installs chromium (.ci/run): there a missing browser fails instead of skipping.
const REQUIRED = process.env.CI === "true";
if (!CHROMIUM && !REQUIRED) console.warn("report browser tests SKIPPED: no chromium (apt-get install chromium, or set CHROMIUM_PATH)");

describe.skipIf((!CHROMIUM && !REQUIRED) || !probeBuilt)("the HTML report in headless Chromium", () => {
  let dir: string;
  let url: string;
  let reports: { report: RunReport; source: string }[];
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error("CI=true but no chromium at /usr/bin/chromium (or $CHROMIUM_PATH)");
    reports = await realReports();
    dir = mkdtempSync(join(tmpdir(), "asc-report-"));
    url = pathToFileURL(writeHtmlReport(dir, reports, { steps: corpusSteps(join(packageRoot(), "fixtures")) })).href;
    browser = await launchChromium(CHROMIUM!);
    page = await browser.context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) errors.push(`network request: ${r.url()}`);
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const visibleRows = () => page.locator("#matrix tr[data-row]:visible").count();

  it("renders the matrix, and its counts equal the JSON reports'", async () => {
    await page.goto(url);
    const fixtures = new Set(reports.flatMap((r) => r.report.fixtures.map((f) => f.id)));
    expect(await page.locator("#matrix tr[data-row]").count()).toBe(fixtures.size);
    expect(await page.locator("#matrix thead th.col").count()).toBe(reports.length);
    for (const [i, { report }] of reports.entries()) {
      const c = report.counts;
      const absent = fixtures.size - report.fixtures.length;
      const expected = { pass: c.pass + c.stale, fail: c.fail + c.error + c.flaky, warn: c.warn, xfail: c.xfail, na: c.skip + absent };
      const row = page.locator(`#runs tr[data-run="${i}"]`);
      for (const [cat, n] of Object.entries(expected)) {
        expect(await row.locator(`td[data-count="${cat}"]`).textContent(), `${report.implementation} ${cat}`).toBe(String(n));
        expect(await page.locator(`#matrix tr[data-row] td:nth-child(${i + 2}).k-${cat}`).count(), `${report.implementation} ${cat} cells`).toBe(n);
      }
    }
    // The runs differ: the mutant fails some fixtures, the stable-only run has n/a ones.
    expect(reports[1]!.report.counts.fail).toBeGreaterThan(0);
    expect(reports[2]!.report.counts.skip).toBeGreaterThan(0);
  });

  it("opens a failing cell with its mismatch, steps and timestamped transcript including the server's stderr", async () => {
    await page.goto(url);
    await page.locator("#matrix td.k-fail a").first().click();
    const dialog = page.locator("dialog#cell");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(page.url()).toMatch(/#cell=.+@1$/);
    expect(await dialog.locator("h2").textContent()).toContain("mutant");
    expect(await dialog.locator(".mismatch").textContent()).toMatch(/\S/);
    expect(await dialog.locator("details pre").first().textContent()).toContain('"step"');
    const transcript = dialog.locator("table.transcript tbody tr");
    expect(await transcript.count()).toBeGreaterThan(2);
    expect(await transcript.first().locator("td.t").textContent()).toMatch(/^\d+ ms$/);
    expect(await dialog.locator("table.transcript tr.d-stderr").allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(STDERR_LINE)]));
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // The page drops the hash in the dialog's close handler, which may run after it hides.
    await expect.poll(() => new URL(page.url()).hash).toBe("");
  });

  it("filters change the visible rows", async () => {
    await page.goto(url);
    const all = await visibleRows();
    await page.selectOption("select[name=outcome]", "fail");
    const failing = await visibleRows();
    const expectedFailing = new Set(reports.flatMap((r) => r.report.fixtures.filter((f) => ["fail", "error", "flaky"].includes(f.outcome)).map((f) => f.id)));
    expect(failing).toBe(expectedFailing.size);
    expect(failing).toBeLessThan(all);
    await page.selectOption("select[name=outcome]", "");
    await page.selectOption("select[name=area]", "exec");
    expect(await visibleRows()).toBe(reports[0]!.report.fixtures.filter((f) => f.id.startsWith("exec.")).length);
    expect(await page.locator("#matrix tbody[data-area=process]").isVisible()).toBe(false);
    await page.selectOption("select[name=area]", "");
    await page.fill("input[name=text]", "utf8");
    expect(await visibleRows()).toBe(1);
    expect(await page.locator("#shown").textContent()).toBe(`1 of ${all} fixtures`);
    await page.click("button[type=reset]");
    await expect.poll(visibleRows).toBe(all);
    await page.selectOption("select[name=tag]", "caps");
    expect(await visibleRows()).toBe(reports[0]!.report.fixtures.filter((f) => f.tags.includes("caps")).length);
  });

  it("links per fixture and per cell open their view; the keyboard moves between cells", async () => {
    const id = reports[1]!.report.fixtures.find((f) => f.outcome === "fail")!.id;
    await page.goto(`${url}#fixture=${encodeURIComponent(id)}`);
    const dialog = page.locator("dialog#cell");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator("h2").textContent()).toBe(id);
    expect(await dialog.locator("table.runs-of-fixture tr").count()).toBe(reports.length);
    await page.keyboard.press("Escape");

    await page.goto(`${url}#cell=${encodeURIComponent(id)}@2`);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator("h2").textContent()).toBe(`${id} · stable-only`);
    expect(await dialog.locator(".mismatch").textContent()).toContain("not applicable");
    await page.keyboard.press("Escape");

    // Tab into the matrix (one stop), then arrows and Enter.
    await page.goto(url);
    await page.locator("#matrix td a[tabindex='0']").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement?.getAttribute("href"));
    expect(focused).toMatch(/^#cell=.+@1$/);
    expect(await page.locator("#matrix a[tabindex='0']").count()).toBe(1);
    await page.keyboard.press("Enter");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(decodeURIComponent(focused!));
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe(focused);
  });

  it("logged no console errors and made no network requests", () => {
    expect(errors).toEqual([]);
  });
}, 120_000);
