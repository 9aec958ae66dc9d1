// Scenario 6: the HTML report's first paint with 300 fixtures × 20 runs in headless
// Chromium (the page must paint within 1 s), and when its script is ready.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromiumPath, launchChromium } from "../../report/browser.ts";
import { writeHtmlReport } from "../../report/html.ts";
import { parseRunReport, type RunReport } from "../../report/run-report.ts";
import { summarize } from "../stats.ts";
import type { BenchOptions, Measurement } from "../types.ts";

const AREAS = ["connection", "errors", "exec", "gating", "handshake", "permissions", "process", "regressions", "sandbox", "streaming"];

/** Deterministic synthetic run reports: `runs` Codex releases over `fixtures` fixtures, about 1 in 8 cells failing with a transcript. */
export function syntheticReports(fixtures: number, runs: number): RunReport[] {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: runs }, (_, r) => {
    const list = Array.from({ length: fixtures }, (_, i) => {
      const id = `${AREAS[i % AREAS.length]}.case-${String(i).padStart(3, "0")}`;
      const x = rand();
      const outcome = i % 7 === 0 && r < runs / 3 ? "skip" : x < 0.12 ? "fail" : x < 0.15 ? "xfail" : "pass";
      const transcript = outcome === "fail" || outcome === "xfail"
        ? Array.from({ length: 40 }, (_, k) => (k % 9 === 8 ? { t: k * 3, dir: "stderr", text: `warning: line ${k}` } : { t: k * 3, dir: k % 2 ? "in" : "out", line: JSON.stringify({ id: k, method: "command/exec", params: { command: ["sh", "-c", "echo hi"] } }) }))
        : undefined;
      return {
        id,
        file: `fixtures/${id}.jsonc`,
        title: `synthetic fixture ${i}`,
        obligation: i % 5 === 0 ? "recommended" : "required",
        tags: [AREAS[i % AREAS.length]!, i % 3 ? "stable" : "experimental"],
        spec: ["§1"],
        outcome,
        detail: outcome === "pass" ? "" : "[2] expected exitCode 0, got 1",
        runs: [{ status: outcome === "pass" || outcome === "skip" ? "pass" : "fail", durationMs: 30, stepsRun: 3, failures: outcome === "fail" ? [{ step: "2", message: "expected exitCode 0, got 1" }] : [], ...(transcript ? { transcript } : {}) }],
        durationMs: 30,
      };
    });
    return parseRunReport({ implementation: `codex-0.${120 + r}.0`, startedAt: "2026-01-01T00:00:00Z", durationMs: 60_000, fixtures: list, unknownBaselineEntries: [] }, `synthetic ${r}`);
  });
}

export async function reportPage(o: BenchOptions): Promise<Measurement[]> {
  const base = { scenario: "6. HTML report (300 fixtures × 20 runs)", unit: "ms", better: "lower" as const };
  const exe = chromiumPath();
  if (!exe) {
    o.log("  report page: no chromium (apt-get install chromium, or set CHROMIUM_PATH): skipped");
    return [{ ...base, metric: "first paint in headless Chromium", summary: summarize([]), samples: [], errors: 1, note: "no chromium" }];
  }
  const dir = mkdtempSync(join(tmpdir(), "asc-bench-report-"));
  const browser = await launchChromium(exe);
  try {
    const reports = syntheticReports(300, 20).map((report, i) => ({ report, source: `run-${i}.json` }));
    const file = writeHtmlReport(dir, reports);
    const url = pathToFileURL(file).href;
    const paint: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < o.warmup + o.repeats; i++) {
      const page = await browser.context.newPage();
      await page.goto(url, { waitUntil: "load" });
      const t = await page.evaluate(
        () =>
          new Promise<{ fcp: number; ready: number }>((resolve) => {
            const read = () => {
              const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime;
              const mark = performance.getEntriesByName("report-ready")[0]?.startTime;
              if (fcp !== undefined && mark !== undefined) resolve({ fcp, ready: mark });
              else requestAnimationFrame(read);
            };
            read();
          }),
      );
      await page.close();
      if (i >= o.warmup) {
        paint.push(t.fcp);
        ready.push(t.ready);
      }
    }
    const size = `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB page`;
    o.log(`  report page: first paint ${paint.map((s) => s.toFixed(0)).join(", ")} ms; ready ${ready.map((s) => s.toFixed(0)).join(", ")} ms (${size})`);
    return [
      { ...base, metric: "first contentful paint in headless Chromium (target < 1000)", summary: summarize(paint), samples: paint, errors: 0, note: size },
      { ...base, metric: "script ready (filters, keyboard, links)", summary: summarize(ready), samples: ready, errors: 0 },
    ];
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
