// The lease dashboard at `/`: one self-contained page (inline CSS and JS, no external URL) and a
// CSP allowing exactly that inline code by hash. The page itself carries no data, so it is served
// without a token; its script asks for the token once (kept in sessionStorage, sent as a bearer
// header, never in a URL) and fetches GET v1/leases every 2 s. Values are set with textContent only.
import { selfContainedPage } from "../capabilities/http/page";

const CSS = `
:root { color-scheme: light dark; --bg: #f5f6f8; --panel: #fff; --text: #1d2330; --muted: #5f6b7a;
  --line: #dde1e7; --ok: #17803d; --bad: #c0262d; --accent: #2457c5; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #12151b; --panel: #1b2029; --text: #e6e9ef; --muted: #98a2b3; --line: #2c3340;
    --ok: #4cc17a; --bad: #ff6b6b; --accent: #7aa2ff; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: 1rem 1.25rem;
  border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0; font-size: 1.25rem; }
header form { margin-left: auto; display: flex; gap: .4rem; }
input { font: inherit; padding: .2rem .4rem; border: 1px solid var(--line); border-radius: 4px;
  background: var(--bg); color: var(--text); }
button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--accent); border-radius: 4px;
  background: var(--accent); color: #fff; cursor: pointer; }
.conn { color: var(--muted); font-size: .85rem; }
main { padding: 1rem 1.25rem; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .45rem .5rem; border-top: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
th { font-size: .8rem; color: var(--muted); font-weight: 600; border-top: 0; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
  border: 1px solid currentColor; }
.held { color: var(--ok); } .free { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.error-text { color: var(--bad); }
@media (max-width: 640px) {
  header form { margin-left: 0; width: 100%; } header form input { flex: 1; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border-top: 1px solid var(--line); padding: .4rem 0; }
  td { border: 0; padding: .15rem 0; display: grid; grid-template-columns: 6rem minmax(0, 1fr); gap: .5rem; }
  td::before { content: attr(data-label); color: var(--muted); font-size: .85rem; }
}
`;

const JS = `
"use strict";
const $ = id => document.querySelector('[data-testid="' + id + '"]');
const KEY = "highlander-lease-token";
let timer;
function token() { return sessionStorage.getItem(KEY) || ""; }
function setConn(text, bad) {
  const el = $("connection");
  el.textContent = text;
  el.className = bad ? "conn error-text" : "conn";
}
function cell(tr, label, testid, text, cls) {
  const td = document.createElement("td");
  td.setAttribute("data-label", label);
  td.setAttribute("data-testid", testid);
  if (cls) {
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = text;
    td.appendChild(span);
  } else {
    td.textContent = text;
  }
  tr.appendChild(td);
}
function render(leases) {
  const body = $("leases-body");
  body.replaceChildren();
  for (const l of leases) {
    const tr = document.createElement("tr");
    tr.setAttribute("data-testid", "lease-row");
    tr.setAttribute("data-lease", l.tenant + "/" + l.name);
    cell(tr, "Lease", "lease-name", l.tenant + "/" + l.name);
    cell(tr, "Holder", "lease-holder", l.holder || "(released)");
    cell(tr, "Cluster", "lease-cluster", l.clusterName || "");
    cell(tr, "Epoch", "lease-epoch", String(l.epoch));
    cell(tr, "Expires", "lease-expires", new Date(l.expiresAt).toLocaleString());
    cell(tr, "State", "lease-state", l.held ? "held" : "free", l.held ? "badge held" : "badge free");
    body.appendChild(tr);
  }
  $("leases-empty").hidden = leases.length > 0;
  $("lease-count").textContent = String(leases.length);
}
async function refresh() {
  clearTimeout(timer);
  if (!token()) {
    setConn("enter the service token to see leases", true);
    return;
  }
  try {
    const res = await fetch("v1/leases", { headers: { Authorization: "Bearer " + token() }, cache: "no-store" });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      setConn("error " + res.status + ": " + (body.error || res.statusText), true);
    } else {
      render(body.leases || []);
      setConn("updated " + new Date().toLocaleTimeString(), false);
    }
  } catch (err) {
    setConn("cannot reach the service: " + err, true);
  }
  timer = setTimeout(refresh, 2000);
}
$("token-form").addEventListener("submit", ev => {
  ev.preventDefault();
  sessionStorage.setItem(KEY, $("token-input").value.trim());
  $("token-input").value = "";
  refresh();
});
refresh();
`;

const BODY = `
<header>
  <h1>Highlander leases</h1>
  <span class="conn" data-testid="connection">loading…</span>
  <form data-testid="token-form" autocomplete="off">
    <label for="token">Token</label>
    <input id="token" type="password" data-testid="token-input" placeholder="HIGHLANDER_LEASE_TOKEN">
    <button type="submit" data-testid="token-save">Show leases</button>
  </form>
</header>
<main>
  <section aria-labelledby="h-leases">
    <h2 id="h-leases">Leases (<span data-testid="lease-count">0</span>)</h2>
    <table data-testid="leases">
      <thead><tr><th>Lease</th><th>Holder</th><th>Cluster</th><th>Epoch</th><th>Expires</th><th>State</th></tr></thead>
      <tbody data-testid="leases-body"></tbody>
    </table>
    <p class="empty" data-testid="leases-empty">No leases.</p>
  </section>
</main>`;

const PAGE = selfContainedPage({ title: "Highlander leases", css: CSS, js: JS, body: BODY });

export const DASHBOARD_HTML = PAGE.html;

/** Allows the page's own inline style and script (by hash) and fetches to this origin only. */
export const DASHBOARD_CSP = PAGE.csp;
