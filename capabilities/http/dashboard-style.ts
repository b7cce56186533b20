// The dashboard's stylesheet: inline, no web fonts, no external URLs (air-gapped clusters).
// Grid panels on a laptop, a single column with the workload table as cards on a phone.
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --bg: #f5f6f8; --panel: #fff; --text: #1d2330; --muted: #5f6b7a;
  --line: #dde1e7; --ok: #17803d; --bad: #c0262d; --warn: #a86400; --accent: #2457c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #12151b; --panel: #1b2029; --text: #e6e9ef; --muted: #98a2b3; --line: #2c3340;
    --ok: #4cc17a; --bad: #ff6b6b; --warn: #f0b34a; --accent: #7aa2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .5rem 1rem; padding: 1rem 1.25rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 1.25rem; }
header .conn { margin-left: auto; color: var(--muted); font-size: .85rem; }
main { padding: 1rem 1.25rem; display: grid; gap: 1rem; grid-template-columns: repeat(3, minmax(0, 1fr)); }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; min-width: 0; }
section.wide { grid-column: 1 / -1; }
h2 { margin: 0 0 .6rem; font-size: .8rem; letter-spacing: .06em; text-transform: uppercase; color: var(--muted); }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .3rem .8rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
  border: 1px solid currentColor; }
.good { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
.role-leader { color: var(--ok); } .role-standby { color: var(--accent); } .role-observer { color: var(--muted); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .45rem .5rem; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; border-top: 0; }
td ul { margin: 0; padding-left: 1rem; }
.empty { color: var(--muted); font-style: italic; }
.error-text { color: var(--bad); overflow-wrap: anywhere; }
ol.events { list-style: none; margin: 0; padding: 0; max-height: 22rem; overflow: auto; }
ol.events li { display: grid; grid-template-columns: 10rem 7rem minmax(0, 1fr); gap: .5rem; padding: .35rem 0;
  border-top: 1px solid var(--line); }
ol.events li:first-child { border-top: 0; }
ol.events li .badge { justify-self: start; align-self: start; }
@media (max-width: 900px) { main { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
@media (max-width: 640px) {
  main { grid-template-columns: minmax(0, 1fr); padding: .75rem; }
  header .conn { margin-left: 0; width: 100%; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-top: 1px solid var(--line); padding: .4rem 0; }
  td { border: 0; padding: .15rem 0; display: grid; grid-template-columns: 7rem minmax(0, 1fr); gap: .5rem; }
  td::before { content: attr(data-label); color: var(--muted); font-size: .85rem; }
  td > .badge { justify-self: start; }
  ol.events li { grid-template-columns: minmax(0, 1fr); gap: 0; }
}
`;
