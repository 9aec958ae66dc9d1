// The run reporters by name (`run --reporter <name>`).
import type { SuiteReport } from "../runner/suite.ts";
import { renderGithub } from "./github.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";
import { renderMarkdown } from "./markdown.ts";
import { renderPretty } from "./pretty.ts";
import { renderTap } from "./tap.ts";

export const REPORTERS = ["pretty", "json", "junit", "tap", "markdown", "github"] as const;
export type ReporterName = (typeof REPORTERS)[number];

export function renderReporter(name: ReporterName, report: SuiteReport, color: boolean, verbose: boolean): string {
  switch (name) {
    case "pretty":
      return renderPretty(report, { color, verbose });
    case "json":
      return renderJson(report);
    case "junit":
      return renderJunit(report);
    case "tap":
      return renderTap(report);
    case "markdown":
      return renderMarkdown(report);
    case "github":
      return renderGithub(report);
  }
}
