/// <reference lib="dom" />
// The report page's behaviour, inlined as the source of one self-contained function (no
// imports, no globals besides the DOM): filters, keyboard navigation of the matrix,
// links per fixture (#fixture=<id>) and per cell (#cell=<id>@<column>), and the view of
// one cell (mismatch, steps, timestamped transcript with the server's stderr).

interface PageCellDetail {
  outcome: string;
  detail: string;
  verdict?: { kind?: string; entry?: { reason?: string; step?: string; message?: string }; detail?: string };
  durationMs: number;
  runs: { status: string; durationMs: number; stepsRun: number; failures: { step: string; message: string }[]; transcript?: [number, string, string][] }[];
}
interface PageData {
  runs: { label: string; implementation: string; server: string; source: string }[];
  fixtures: { id: string; area: string; title: string; obligation: string; tags: string[]; spec: string[]; file: string; steps?: unknown }[];
  details: Record<string, PageCellDetail>;
}

function reportPage(): void {
  const $ = <T extends Element>(sel: string, root: ParentNode = document): T => root.querySelector(sel) as T;
  const table = $<HTMLTableElement>("#matrix");
  const form = $<HTMLFormElement>("#filters");
  const shown = $<HTMLOutputElement>("#shown");
  const dialog = $<HTMLDialogElement>("#cell");
  const dialogTitle = $<HTMLElement>("#cell-title");
  const dialogBody = $<HTMLElement>("#cell-body");
  const rows = Array.from(table.querySelectorAll<HTMLTableRowElement>("tr[data-row]"));
  const groups = Array.from(table.querySelectorAll<HTMLTableSectionElement>("tbody[data-area]"));
  let data: PageData | undefined;
  // Until the data element is parsed (it follows this script), views wait for DOMContentLoaded.
  const load = (): PageData => {
    const holder = document.getElementById("report-data");
    if (!holder || document.readyState === "loading") return { runs: [], fixtures: [], details: {} };
    return (data ??= JSON.parse(holder.textContent ?? "{}") as PageData);
  };

  const el = (tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  };

  // Filters: a row shows when it matches every filter; an area shows when a row of it does.
  const applyFilters = (): void => {
    const f = new FormData(form);
    const area = String(f.get("area") ?? "");
    const tag = String(f.get("tag") ?? "");
    const ob = String(f.get("obligation") ?? "");
    const outcome = String(f.get("outcome") ?? "");
    const text = String(f.get("text") ?? "").trim().toLowerCase();
    let n = 0;
    for (const r of rows) {
      const d = r.dataset;
      const cats = (d.cats ?? "").trim().split(" ");
      const ok =
        (!area || d.area === area) &&
        (!tag || (d.tags ?? "").includes(` ${tag} `)) &&
        (!ob || d.ob === ob) &&
        (!outcome || (outcome === "differs" ? cats.length > 1 : cats.includes(outcome))) &&
        (!text || (d.text ?? "").includes(text));
      r.hidden = !ok;
      if (ok) n++;
    }
    for (const g of groups) g.hidden = !g.querySelector("tr[data-row]:not([hidden])");
    shown.value = `${n} of ${rows.length} fixtures`;
  };
  form.addEventListener("input", applyFilters);
  form.addEventListener("change", applyFilters);
  form.addEventListener("reset", () => setTimeout(applyFilters, 0));
  form.addEventListener("submit", (e) => e.preventDefault());

  // Keyboard: one cell is in the tab order (roving tabindex); arrows, Home/End and
  // PageUp/PageDown move among the visible rows; Enter follows the cell's link.
  const cellLinks = (r: HTMLTableRowElement) => Array.from(r.querySelectorAll<HTMLAnchorElement>("th a, td a"));
  let current: HTMLAnchorElement | undefined = rows[0] ? cellLinks(rows[0])[1] ?? cellLinks(rows[0])[0] : undefined;
  const focusLink = (a: HTMLAnchorElement | undefined, move = true): void => {
    if (!a) return;
    if (current) current.tabIndex = -1;
    current = a;
    a.tabIndex = 0;
    if (move) a.focus();
  };
  if (current) current.tabIndex = 0;
  table.addEventListener("focusin", (e) => {
    const a = (e.target as Element).closest("a");
    if (a && table.contains(a)) focusLink(a as HTMLAnchorElement, false);
  });
  table.addEventListener("keydown", (e) => {
    const a = (e.target as Element).closest("a") as HTMLAnchorElement | null;
    const row = a?.closest("tr[data-row]") as HTMLTableRowElement | null;
    if (!a || !row) return;
    const visible = rows.filter((r) => !r.hidden);
    const ri = visible.indexOf(row);
    const links = cellLinks(row);
    const ci = links.indexOf(a);
    const at = (r: number, c: number) => {
      const target = visible[Math.max(0, Math.min(visible.length - 1, r))];
      if (!target) return undefined;
      const ls = cellLinks(target);
      return ls[Math.max(0, Math.min(ls.length - 1, c))];
    };
    const moves: Record<string, () => HTMLAnchorElement | undefined> = {
      ArrowRight: () => links[Math.min(links.length - 1, ci + 1)],
      ArrowLeft: () => links[Math.max(0, ci - 1)],
      ArrowDown: () => at(ri + 1, ci),
      ArrowUp: () => at(ri - 1, ci),
      PageDown: () => at(ri + 20, ci),
      PageUp: () => at(ri - 20, ci),
      Home: () => (e.ctrlKey ? at(0, ci) : links[0]),
      End: () => (e.ctrlKey ? at(visible.length - 1, ci) : links[links.length - 1]),
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      focusLink(move());
    }
  });

  // The cell and fixture views, opened from the URL hash so that every view has a link.
  const fmtJson = (v: unknown) => JSON.stringify(v, null, 2);
  const meta = (pairs: [string, Node | string][]) => el("div", { class: "meta" }, ...pairs.flatMap(([k, v]) => [el("span", { class: "sub" }, k), el("span", {}, v)]));
  const link = (href: string, text: string) => el("a", { href }, text);
  const fixtureMeta = (fx: PageData["fixtures"][number]) =>
    meta([
      ["title", fx.title],
      ["obligation", fx.obligation],
      ["tags", fx.tags.join(", ") || "none"],
      ["spec", fx.spec.join("; ") || "–"],
      ["file", fx.file || "–"],
      ["link", link(`#fixture=${encodeURIComponent(fx.id)}`, "this fixture across runs")],
    ]);
  const stepsBlock = (fx: PageData["fixtures"][number]) =>
    fx.steps !== undefined
      ? el("details", {}, el("summary", {}, "the fixture's steps"), el("pre", {}, fmtJson(fx.steps)))
      : el("p", { class: "sub" }, "The fixture's steps are not in this report (build it with the corpus at hand: report --fixtures).");
  const transcriptTable = (entries: [number, string, string][]) => {
    const arrows: Record<string, string> = { out: "→ server", in: "← server", stderr: "stderr", note: "note" };
    const body = entries.map(([t, dir, text]) => el("tr", { class: `d-${dir}` }, el("td", { class: "t" }, `${t} ms`), el("td", { class: "dir" }, arrows[dir] ?? dir), el("td", {}, text)));
    return el("table", { class: "transcript", "aria-label": "transcript" }, el("thead", {}, el("tr", {}, el("th", {}, "time"), el("th", {}, "direction"), el("th", {}, "message"))), el("tbody", {}, ...body));
  };

  const openCell = (row: number, col: number): boolean => {
    const d = load();
    const fx = d.fixtures[row];
    const run = d.runs[col];
    if (!fx || !run) return false;
    const detail = d.details[`${row}:${col}`];
    dialogTitle.textContent = `${fx.id} · ${run.label}`;
    const body: Node[] = [];
    const cellTitle = table.querySelector(`tr[data-row="${row}"] td:nth-child(${col + 2}) a`)?.getAttribute("title");
    if (!detail && cellTitle === "pass") body.push(meta([["outcome", el("strong", { class: "outcome" }, "pass")], ["run", run.label], ["link", link(`#cell=${encodeURIComponent(fx.id)}@${col}`, "this cell")]]));
    else if (!detail) body.push(el("p", {}, "This fixture is not in this run's report (not applicable)."));
    else {
      body.push(
        meta([
          ["outcome", el("strong", { class: "outcome" }, detail.outcome)],
          ["run", `${run.label}${run.server ? ` (${run.server})` : ""}`],
          ["duration", `${detail.durationMs} ms`],
          ["link", link(`#cell=${encodeURIComponent(fx.id)}@${col}`, "this cell")],
        ]),
      );
      const failures = detail.runs.flatMap((r) => r.failures.map((x) => `[${x.step}] ${x.message}`));
      const why = [detail.detail, ...failures.filter((x) => !detail.detail.includes(x))].filter(Boolean).join("\n\n");
      if (why) body.push(el("h3", {}, detail.outcome === "skip" ? "why" : "mismatch"), el("div", { class: "mismatch" }, why));
      if (detail.verdict?.entry?.reason) body.push(el("p", {}, `baseline: ${detail.verdict.entry.reason}`));
    }
    body.push(el("h3", {}, "fixture"), fixtureMeta(fx), stepsBlock(fx));
    for (const [i, r] of (detail?.runs ?? []).entries()) {
      if (!r.transcript) continue;
      body.push(el("h3", {}, `transcript${detail!.runs.length > 1 ? ` (run ${i + 1}: ${r.status})` : ""}`), transcriptTable(r.transcript));
    }
    if (detail && detail.outcome !== "pass" && detail.outcome !== "skip" && !detail.runs.some((r) => r.transcript)) body.push(el("p", { class: "sub" }, "No transcript in this report."));
    dialogBody.replaceChildren(...body);
    return true;
  };

  const openFixture = (row: number): boolean => {
    const d = load();
    const fx = d.fixtures[row];
    if (!fx) return false;
    dialogTitle.textContent = fx.id;
    const runRows = d.runs.map((run, col) => {
      const detail = d.details[`${row}:${col}`];
      const outcome = detail?.outcome ?? table.querySelector(`tr[data-row="${row}"] td:nth-child(${col + 2}) a`)?.getAttribute("title") ?? "?";
      return el("tr", {}, el("th", { scope: "row" }, run.label), el("td", {}, link(`#cell=${encodeURIComponent(fx.id)}@${col}`, outcome)), el("td", {}, detail?.detail ?? ""));
    });
    dialogBody.replaceChildren(fixtureMeta(fx), el("table", { class: "runs-of-fixture" }, el("tbody", {}, ...runRows)), stepsBlock(fx));
    return true;
  };

  let opener: HTMLElement | undefined;
  // The address the dialog shows; closing clears only that one, not a link followed meanwhile.
  let shownFor = "";
  const route = (): void => {
    const hash = decodeURIComponent(location.hash.slice(1));
    const cell = /^cell=(.+)@(\d+)$/.exec(hash);
    const fixture = /^fixture=(.+)$/.exec(hash);
    const id = cell?.[1] ?? fixture?.[1];
    const tr = id === undefined ? undefined : rows.find((r) => r.querySelector("th a")?.textContent === id);
    for (const r of Array.from(table.querySelectorAll("tr.target"))) r.classList.remove("target");
    if (!tr) {
      if (dialog.open) dialog.close();
      return;
    }
    const row = Number(tr.dataset.row);
    tr.classList.add("target");
    if (tr.hidden) {
      form.reset();
      applyFilters();
    }
    tr.scrollIntoView({ block: "center" });
    const ok = cell ? openCell(row, Number(cell[2])) : openFixture(row);
    if (ok) shownFor = location.hash;
    if (ok && !dialog.open) {
      opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
      dialog.showModal();
    }
  };
  dialog.addEventListener("close", () => {
    if (location.hash && location.hash === shownFor) history.replaceState(null, "", location.pathname + location.search);
    opener?.focus();
  });
  addEventListener("hashchange", route);
  // The script runs before the (large) cell data is parsed: the matrix is usable at once,
  // and a link in the address opens once the data is there.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => location.hash && !dialog.open && route());
  else if (location.hash) route();
  performance.mark("report-ready");
}

// esbuild's keepNames (vitest) wraps named functions in __name(); the page has no bundler.
export function pageScript(): string {
  return `"use strict";var __name=function(f){return f};(${reportPage.toString()})();`;
}
