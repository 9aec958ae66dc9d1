// The report page's styles (inlined into the page).
export const PAGE_STYLE = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#bf8700;--xfail:#8250df;--na:#d0d7de;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d8dee4;--hl:#fff8c5;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}header,main{padding:0 20px}h1{font-size:22px;margin:16px 0 2px}h2{font-size:17px;margin:22px 0 8px}
.sub{color:var(--muted);font-size:12px}.hint{color:var(--muted);margin:0 0 6px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px;z-index:9}
a{color:#0969da}:focus-visible{outline:3px solid #0969da;outline-offset:-2px}
.scroll{overflow:auto}table{border-collapse:collapse}th,td{text-align:left;vertical-align:top}
.runs th,.runs td{border-bottom:1px solid var(--line);padding:3px 6px;vertical-align:middle}.trend-table th,.trend-table td{border-bottom:1px solid var(--line);padding:4px 8px}
.runs .area-h{font-size:11px;font-weight:500;color:var(--muted)}.runs details{font-size:12px}.runs details[open]{max-width:420px}
.num{text-align:right;font-variant-numeric:tabular-nums}.run-label{font-weight:600}
.k-pass{--c:var(--pass)}.k-fail{--c:var(--fail)}.k-warn{--c:var(--warn)}.k-xfail{--c:var(--xfail)}.k-na{--c:var(--na)}
.chip{display:inline-block;width:16px;height:16px;line-height:16px;text-align:center;border-radius:3px;background:var(--c);color:#fff;font-size:11px;font-weight:700}.chip.k-na{color:var(--fg)}
.bar{display:flex;width:220px;height:12px;border-radius:3px;overflow:hidden;background:var(--na)}.bar>span{background:var(--c)}
.bar.small{width:64px;height:10px}
.descriptor{max-width:360px;font-size:12px}.descriptor ul{margin:4px 0;padding-left:18px;max-height:200px;overflow:auto}
.trend{width:100%;max-width:720px;height:auto;font-size:11px}.trend .axis{stroke:var(--line)}.trend path{fill:none;stroke-width:2}.trend .passing{stroke:var(--pass)}.trend .applicable{stroke:var(--muted);stroke-dasharray:4 3}.trend circle{fill:var(--pass)}.trend text{fill:var(--muted)}
.trend-table tr.total{font-weight:600}.transitions{display:flex;gap:30px;flex-wrap:wrap}.transitions ul{max-height:260px;overflow:auto;font-size:12px}
.filters{position:sticky;top:0;z-index:3;background:var(--bg);display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;padding:8px 0;border-bottom:1px solid var(--line)}
.filters label{font-size:12px;color:var(--muted)}.filters select,.filters input{font:inherit;margin-left:4px}.legend{display:flex;gap:12px;font-size:12px}.legend-item{display:flex;gap:4px;align-items:center}
.matrix-wrap{max-height:80vh}.matrix{font-size:12px}.matrix thead th{position:sticky;top:0;background:var(--bg);z-index:2;border-bottom:1px solid var(--line)}
.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);padding:6px 2px;font-weight:500;white-space:nowrap}
.matrix tbody th[scope=row]{position:sticky;left:0;background:var(--bg);z-index:1;padding:1px 8px 1px 0;white-space:nowrap;font-weight:400;max-width:420px;overflow:hidden;text-overflow:ellipsis}
.matrix .area-row th{padding:10px 0 3px;font-weight:600;font-size:13px;border-bottom:1px solid var(--line)}
.matrix td{padding:0;border:1px solid #fff}.matrix td a{display:block;width:22px;height:18px;line-height:18px;text-align:center;text-decoration:none;background:var(--c);color:#fff;font-weight:700}
.matrix td.k-na a{color:#6e7781}.matrix td.stale a{box-shadow:inset 0 0 0 2px var(--warn)}
.matrix tr.target th[scope=row]{background:var(--hl)}.matrix tr:hover th[scope=row]{text-decoration:underline}
.ob{margin-left:6px;font-size:10px;color:var(--muted);border:1px solid var(--line);border-radius:8px;padding:0 5px}.ob-required{color:var(--fg)}
dialog{width:min(1100px,94vw);max-height:90vh;border:1px solid var(--line);border-radius:8px;padding:0 18px 18px}dialog::backdrop{background:rgba(0,0,0,.35)}
.dialog-head{position:sticky;top:0;background:var(--bg);display:flex;justify-content:space-between;align-items:center;gap:12px;border-bottom:1px solid var(--line)}
.dialog-head h2{font-size:16px;word-break:break-all}.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:13px;margin:10px 0}
.mismatch{background:#ffebe9;border-left:4px solid var(--fail);padding:8px 10px;white-space:pre-wrap;word-break:break-word;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;padding:8px 10px;overflow:auto;max-height:320px;font-size:12px}
.transcript{width:100%;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}.transcript td{padding:1px 6px;border-bottom:1px solid #f0f2f4;white-space:pre-wrap;word-break:break-all}.transcript td.t{color:var(--muted);text-align:right;white-space:nowrap}
.transcript tr.d-stderr td{background:#fff8c5}.transcript tr.d-note td{color:var(--muted);font-style:italic}.transcript .dir{white-space:nowrap;color:var(--muted)}
.runs-of-fixture td,.runs-of-fixture th{padding:3px 8px;border-bottom:1px solid var(--line)}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#30363d;--na:#30363d;--hl:#3b2e00}.mismatch{background:#3c1618}pre{background:#161b22}.transcript tr.d-stderr td{background:#2e2a13}.matrix td{border-color:var(--bg)}.transcript td{border-color:#21262d}}
`;
