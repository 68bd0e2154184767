/**
 * The page's one stylesheet and one script, inline. They hold no data, so the page's
 * Content-Security-Policy allows exactly these two by hash and nothing else.
 */

/** The stylesheet: light and dark, readable when printed. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --fg: #1d232b; --muted: #5b6673; --bg: #ffffff; --panel: #f4f6f8; --line: #d5dbe1;
  --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --run: #0b62b8;
  --s1: #2f6fde; --s2: #8a4fd8; --s3: #d9822b; --s4: #2aa198; }
@media (prefers-color-scheme: dark) { :root { --fg: #e3e8ee; --muted: #9aa6b2; --bg: #15191e; --panel: #1e242b; --line: #39424c;
  --ok: #4ac26b; --bad: #ff6b6b; --warn: #e3b341; --run: #58a6ff; --s1: #6ea0ff; --s2: #b58cff; --s3: #f0a35e; --s4: #4fd1c5; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 12px 20px; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; } h4 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.meta, .note, footer { color: var(--muted); font-size: 12.5px; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; padding: 0; list-style: none; }
.tiles li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.tiles b { display: block; font-size: 20px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td[data-sort] { text-align: right; white-space: nowrap; }
a { color: var(--run); }
.status { font-weight: 600; } .status.completed { color: var(--ok); } .status.failed { color: var(--bad); }
.status.interrupted { color: var(--warn); } .status.running { color: var(--run); }
.warn { color: var(--warn); } .error-text { color: var(--bad); }
.error-box { border: 1px solid var(--bad); border-radius: 6px; padding: 8px 12px; margin: 10px 0; overflow-wrap: anywhere; }
.charts, .run-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.run-body figure { max-width: 640px; margin: 12px 0; }
.run-body .run-charts { margin: 8px 0; } .run-body .run-charts figure { max-width: none; margin: 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); stroke-width: 1; }
svg text { fill: var(--muted); font-size: 11px; } svg .label { font-size: 10.5px; }
svg .bar.s1 { fill: var(--s1); } svg .bar.s2 { fill: var(--s2); } svg .bar.s3 { fill: var(--s3); } svg .bar.s4 { fill: var(--s4); }
svg .range line { stroke: var(--s1); stroke-width: 3; } svg .range .cap { stroke-width: 1.5; } svg .mark { fill: var(--s3); }
svg .step { fill: none; stroke: var(--s1); stroke-width: 2; } svg .point { fill: var(--s1); }
svg .line { fill: none; stroke-width: 1.8; stroke-linejoin: round; } svg .line.s1 { stroke: var(--s1); } svg .line.s2 { stroke: var(--s2); }
svg .dot.s1 { fill: var(--s1); } svg .dot.s2 { fill: var(--s2); }
svg .marker { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 4 3; }
.legend { list-style: none; display: flex; gap: 14px; padding: 0; margin: 6px 0 0; font-size: 12px; color: var(--muted); }
.key { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; vertical-align: -1px; }
.key.s1, .key.range { background: var(--s1); } .key.s2 { background: var(--s2); } .key.s3, .key.mark { background: var(--s3); }
.key.s4 { background: var(--s4); } .key.retry { background: var(--bad); }
.empty { color: var(--muted); font-style: italic; }
details.run { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 12px; }
details.run > summary { cursor: pointer; font-weight: 600; overflow-wrap: anywhere; }
details.inner > summary { cursor: pointer; color: var(--muted); margin-top: 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.messages { margin: 4px 0; padding-left: 20px; overflow-wrap: anywhere; }
pre { background: var(--panel); padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
button { font: inherit; font-size: 12.5px; padding: 3px 10px; margin-right: 6px; cursor: pointer; }
@media print { button { display: none; } details.run { break-inside: avoid; } }
`

/** The script: sortable summary table, links that open a run's details, fold and unfold all runs. */
export const REPORT_JS = `
(() => {
  'use strict';
  const keyOf = (row, col) => {
    const cell = row.cells[col];
    if (!cell) return null;
    const v = cell.getAttribute('data-sort');
    return v === null ? cell.textContent.trim() : Number(v);
  };
  const compare = (x, y) => {
    if (x === y) return 0;
    if (x === null || x === '–') return -1;
    if (y === null || y === '–') return 1;
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  };
  for (const table of document.querySelectorAll('table.sortable')) {
    const heads = Array.from(table.tHead.rows[0].cells);
    heads.forEach((th, col) => {
      th.tabIndex = 0;
      const sort = () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const h of heads) h.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => (ascending ? 1 : -1) * compare(keyOf(a, col), keyOf(b, col)));
        for (const row of rows) body.appendChild(row);
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); }
      });
    });
  }
  const openTarget = () => {
    let id = '';
    try { id = decodeURIComponent(location.hash.slice(1)); } catch { return; }
    const target = id === '' ? null : document.getElementById(id);
    if (target !== null && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
  };
  window.addEventListener('hashchange', openTarget);
  openTarget();
  for (const button of document.querySelectorAll('button[data-fold]')) {
    button.addEventListener('click', () => {
      const open = button.getAttribute('data-fold') === 'open';
      for (const details of document.querySelectorAll('details.run')) details.open = open;
    });
  }
})();
`
