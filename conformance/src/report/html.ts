// The HTML report: one self-contained file (styles, script and data inlined; no network)
// rendered on the server side so that the matrix paints before any script runs. The
// script (page-script.ts) adds filters, keyboard navigation, links and the cell view.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildModel, CATEGORIES, CATEGORY_LABEL, type Category, type Model, type ModelRun, type Trend } from "./model.ts";
import { PAGE_STYLE } from "./page-style.ts";
import { pageScript } from "./page-script.ts";
import type { RunFixtureEntry, RunReport } from "./run-report.ts";

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that can sit inside a <script> element. */
export const embedJson = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

const SYMBOL: Record<Category, string> = { pass: "✓", fail: "✗", warn: "!", xfail: "~", na: "–" };
const LINE_LIMIT = 4000;
const TRANSCRIPT_LIMIT = 600;

export interface HtmlOptions {
  title?: string;
  /** Fixture id -> its steps (from the corpus), shown in the cell view. */
  steps?: ReadonlyMap<string, unknown>;
  generatedAt?: string;
}

export interface CellDetail {
  outcome: string;
  detail: string;
  verdict?: unknown;
  durationMs: number;
  runs: { status: string; durationMs: number; stepsRun: number; failures: { step: string; message: string }[]; transcript?: [number, string, string][] }[];
}

function clip(s: string): string {
  return s.length > LINE_LIMIT ? `${s.slice(0, LINE_LIMIT)}… (${s.length - LINE_LIMIT} more characters)` : s;
}

function cellDetail(f: RunFixtureEntry): CellDetail {
  return {
    outcome: f.outcome,
    detail: f.detail,
    ...(f.verdict ? { verdict: f.verdict } : {}),
    durationMs: f.durationMs,
    runs: f.runs.map((r) => ({
      status: r.status,
      durationMs: r.durationMs,
      stepsRun: r.stepsRun,
      failures: r.failures.map((x) => ({ step: x.step, message: x.message })),
      ...(r.transcript
        ? { transcript: r.transcript.slice(-TRANSCRIPT_LIMIT).map((e): [number, string, string] => [e.t, e.dir, clip(e.line ?? e.text ?? "")]) }
        : {}),
    })),
  };
}

function bar(counts: Record<Category, number>, cls: string, title: string): string {
  const total = CATEGORIES.reduce((a, c) => a + counts[c], 0) || 1;
  const parts = CATEGORIES.filter((c) => counts[c] > 0)
    .map((c) => `<span class="k-${c}" style="width:${((100 * counts[c]) / total).toFixed(2)}%"></span>`)
    .join("");
  return `<span class="${cls}" role="img" aria-label="${esc(title)}" title="${esc(title)}">${parts}</span>`;
}

const countsText = (c: Record<Category, number>) =>
  CATEGORIES.filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${CATEGORY_LABEL[k]}`)
    .join(", ");

function runsSection(model: Model): string {
  const rows = model.runs.map((r, i) => {
    const areaBars = model.areas.map((a) => `<td>${bar(r.areas[a]!, "bar small", `${r.label} · ${a}: ${countsText(r.areas[a]!)}`)}</td>`).join("");
    const features = r.features ? r.features.map((f) => `<code>${esc(f)}</code>`).join(" ") || "none" : "<em>not in the report</em>";
    const size = r.baselineSize ?? r.baselineReasons.length;
    const reasons = r.baselineReasons.length
      ? `<ul>${r.baselineReasons.map((b) => `<li><a href="#fixture=${encodeURIComponent(b.fixture)}">${esc(b.fixture)}</a>: ${esc(b.reason)}</li>`).join("")}</ul>`
      : "";
    const descriptor = `<details><summary>${r.features ? `${r.features.length} features` : "features ?"} · baseline ${size}</summary><div>features: ${features}</div>${reasons}</details>`;
    const counts = CATEGORIES.map((c) => `<td class="num" data-count="${c}">${r.categories[c]}</td>`).join("");
    const about = [r.server || r.implementation, r.startedAt, `${(r.durationMs / 1000).toFixed(0)} s`, r.source].filter(Boolean).join(" · ");
    return `<tr data-run="${i}"><th scope="row" title="${esc(about)}"><span class="run-label">${esc(r.label)}</span></th>${counts}<td>${bar(r.categories, "bar", `${r.label}: ${countsText(r.categories)}`)}</td>${areaBars}<td class="descriptor">${descriptor}</td></tr>`;
  });
  const head = CATEGORIES.map((c) => `<th scope="col" class="num" title="${esc(CATEGORY_LABEL[c])}"><span class="chip k-${c}" aria-hidden="true">${SYMBOL[c]}</span><span class="sr">${esc(CATEGORY_LABEL[c])}</span></th>`).join("");
  const areaHead = model.areas.map((a) => `<th scope="col" class="area-h">${esc(a)}</th>`).join("");
  return `<section id="runs" aria-labelledby="runs-h"><h2 id="runs-h">Runs</h2><div class="scroll"><table class="runs"><thead><tr><th scope="col">run</th>${head}<th scope="col">all fixtures</th>${areaHead}<th scope="col">descriptor</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></section>`;
}

function trendChart(t: Trend): string {
  const w = 640;
  const h = 180;
  const pad = 36;
  const max = Math.max(1, ...t.applicable, ...t.passing);
  // The axis starts near the lowest value, so that a few fixtures' difference shows.
  const lo = Math.max(0, Math.floor((Math.min(...t.passing, ...t.applicable) - 5) / 10) * 10);
  const x = (k: number) => pad + (k * (w - 2 * pad)) / Math.max(1, t.releases.length - 1);
  const y = (n: number) => h - pad + 10 - ((n - lo) * (h - pad - 10)) / Math.max(1, max - lo);
  const line = (vals: number[]) => vals.map((v, k) => `${k ? "L" : "M"}${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const dots = t.passing.map((v, k) => `<circle cx="${x(k).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3"><title>${esc(t.releases[k]!)}: ${v} passing of ${t.applicable[k]} applicable</title></circle>`).join("");
  const labels = t.releases.map((r, k) => `<text x="${x(k).toFixed(1)}" y="${h - 4}" text-anchor="middle">${esc(r.replace(/^0\./, "."))}</text>`).join("");
  return `<svg class="trend" viewBox="0 0 ${w} ${h}" role="img" aria-label="fixtures passing per Codex release"><line x1="${pad}" y1="${y(lo)}" x2="${w - pad}" y2="${y(lo)}" class="axis"/><text x="4" y="${y(max) + 4}">${max}</text><text x="4" y="${y(lo) + 4}">${lo}</text><path d="${line(t.applicable)}" class="applicable"/><path d="${line(t.passing)}" class="passing"/>${dots}${labels}</svg>`;
}

function trendSection(model: Model): string {
  const t = model.trend;
  if (!t) return "";
  const areaRows = Object.keys(t.areaPassing)
    .map((a) => {
      const first = t.areaFirstPass[a]!;
      const cells = t.releases.map((_, k) => `<td class="num">${t.areaPassing[a]![k]}/${t.areaApplicable[a]![k]}</td>`).join("");
      return `<tr><th scope="row">${esc(a)}</th>${cells}<td>${esc(first.any ?? "never")}</td><td>${esc(first.all ?? "never")}</td></tr>`;
    })
    .join("");
  const head = t.releases.map((r) => `<th scope="col" class="num">${esc(r)}</th>`).join("");
  const total = `<tr class="total"><th scope="row">all</th>${t.releases.map((_, k) => `<td class="num">${t.passing[k]}/${t.applicable[k]}</td>`).join("")}<td></td><td></td></tr>`;
  const byKind = (kind: "started" | "stopped" | "arrived") =>
    t.transitions
      .filter((x) => x.kind === kind)
      .map((x) => `<li><a href="#fixture=${encodeURIComponent(x.fixture)}">${esc(x.fixture)}</a> at ${esc(x.release)}</li>`)
      .join("");
  const stopped = byKind("stopped");
  const started = byKind("started");
  return `<section id="trend" aria-labelledby="trend-h"><h2 id="trend-h">Across Codex releases</h2><p>Fixtures passing (solid) of those applicable (dashed) per release.</p>${trendChart(t)}<div class="scroll"><table class="trend-table"><thead><tr><th scope="col">area</th>${head}<th scope="col">first passing</th><th scope="col">all passing</th></tr></thead><tbody>${areaRows}${total}</tbody></table></div><div class="transitions"><details${stopped ? " open" : ""}><summary>stopped passing (${t.transitions.filter((x) => x.kind === "stopped").length})</summary><ul>${stopped || "<li>none</li>"}</ul></details><details><summary>started passing (${t.transitions.filter((x) => x.kind === "started").length})</summary><ul>${started || "<li>none</li>"}</ul></details><details><summary>became applicable and passed at once (${t.transitions.filter((x) => x.kind === "arrived").length})</summary><ul>${byKind("arrived") || "<li>none</li>"}</ul></details></div></section>`;
}

function options(values: readonly string[], all: string): string {
  return `<option value="">${esc(all)}</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join("")}`;
}

function filtersSection(model: Model): string {
  const tags = [...new Set(model.fixtures.flatMap((f) => f.tags))].sort();
  const obligations = [...new Set(model.fixtures.map((f) => f.obligation))].sort();
  const outcomes = CATEGORIES.map((c) => `<option value="${c}">${esc(CATEGORY_LABEL[c])} somewhere</option>`).join("");
  const legend = CATEGORIES.map((c) => `<span class="legend-item"><span class="chip k-${c}">${SYMBOL[c]}</span> ${esc(CATEGORY_LABEL[c])}</span>`).join("");
  return `<form id="filters" class="filters" role="search" aria-label="filter fixtures"><label>area <select name="area">${options(model.areas, "all areas")}</select></label><label>tag <select name="tag">${options(tags, "all tags")}</select></label><label>obligation <select name="obligation">${options(obligations, "any")}</select></label><label>outcome <select name="outcome"><option value="">any</option>${outcomes}<option value="differs">differs between runs</option></select></label><label>text <input name="text" type="search" placeholder="id or title" autocomplete="off"></label><button type="reset">clear</button><output id="shown" aria-live="polite">${model.fixtures.length} of ${model.fixtures.length} fixtures</output><div class="legend">${legend}</div></form>`;
}

function columnHeader(r: ModelRun, i: number): string {
  const short = r.codexVersion ?? r.label;
  return `<th scope="col" class="col" data-col="${i}" title="${esc(r.label)}"><span>${esc(short)}</span></th>`;
}

function matrixSection(model: Model): string {
  const head = `<thead><tr><th scope="col" class="fixture-h">fixture</th>${model.runs.map(columnHeader).join("")}</tr></thead>`;
  const bodies: string[] = [];
  let row = 0;
  for (const area of model.areas) {
    const rows: string[] = [];
    for (; row < model.fixtures.length && model.fixtures[row]!.area === area; row++) {
      const f = model.fixtures[row]!;
      const cells = model.cells[row]!;
      const cats = [...new Set(cells.map((c) => c.category))];
      const id = encodeURIComponent(f.id);
      const tds = cells
        .map((c, col) => `<td class="k-${c.category}${c.outcome === "stale" ? " stale" : ""}"><a href="#cell=${id}@${col}" tabindex="-1" title="${esc(c.outcome === "absent" ? "not in this run" : c.outcome)}">${SYMBOL[c.category]}</a></td>`)
        .join("");
      rows.push(
        `<tr data-row="${row}" data-area="${esc(f.area)}" data-ob="${esc(f.obligation)}" data-tags=" ${esc(f.tags.join(" "))} " data-cats=" ${cats.join(" ")} " data-text="${esc(`${f.id} ${f.title}`.toLowerCase())}"><th scope="row"><a href="#fixture=${id}" tabindex="-1">${esc(f.id)}</a><span class="ob ob-${esc(f.obligation)}">${esc(f.obligation)}</span></th>${tds}</tr>`,
      );
    }
    bodies.push(`<tbody data-area="${esc(area)}"><tr class="area-row"><th scope="rowgroup" colspan="${model.runs.length + 1}">${esc(area)} <span class="sub">${rows.length} fixtures</span></th></tr>${rows.join("")}</tbody>`);
  }
  return `<section id="matrix-s" aria-labelledby="matrix-h"><h2 id="matrix-h">Matrix</h2><p class="hint">Arrow keys move between cells, Enter opens one; each fixture and cell has its own link.</p><div class="scroll matrix-wrap"><table id="matrix" class="matrix">${head}${bodies.join("")}</table></div></section>`;
}

export function renderHtml(reports: readonly { report: RunReport; source: string }[], opts: HtmlOptions = {}): string {
  const model = buildModel(reports);
  const details: Record<string, CellDetail> = {};
  for (const [col, { report }] of reports.entries()) {
    const rowOf = new Map(model.fixtures.map((f, i) => [f.id, i]));
    // A plain pass needs no detail (the cell says it); this keeps big reports small.
    for (const f of report.fixtures) if (f.outcome !== "pass" || f.runs.some((r) => r.failures.length || r.transcript)) details[`${rowOf.get(f.id)}:${col}`] = cellDetail(f);
  }
  const data = {
    runs: model.runs.map((r) => ({ label: r.label, implementation: r.implementation, server: r.server, source: r.source })),
    fixtures: model.fixtures.map((f) => ({ ...f, ...(opts.steps?.has(f.id) ? { steps: opts.steps.get(f.id) } : {}) })),
    details,
  };
  const title = opts.title ?? "Conformance report";
  const generated = opts.generatedAt ?? new Date().toISOString();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${PAGE_STYLE}</style></head>
<body><a class="skip" href="#matrix-h">skip to the matrix</a>
<header><h1>${esc(title)}</h1><p class="sub">${model.runs.length} runs × ${model.fixtures.length} fixtures · generated ${esc(generated)} by app-server-conformance</p></header>
<main>${runsSection(model)}${trendSection(model)}${filtersSection(model)}${matrixSection(model)}</main>
<dialog id="cell" aria-labelledby="cell-title"><div class="dialog-head"><h2 id="cell-title"></h2><form method="dialog"><button aria-label="close" value="close">close (Esc)</button></form></div><div id="cell-body"></div></dialog>
<script>${pageScript()}</script>
<script type="application/json" id="report-data">${embedJson(data)}</script>
</body></html>
`;
}

/** Writes <dir>/index.html; returns its path. */
export function writeHtmlReport(dir: string, reports: readonly { report: RunReport; source: string }[], opts: HtmlOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "index.html");
  writeFileSync(file, renderHtml(reports, opts));
  return file;
}
