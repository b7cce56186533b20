// The dashboard page: one self-contained document (inline CSS and JS, no external URL of any kind)
// plus a Content-Security-Policy that allows exactly that inline code, by hash, and requests to
// this server only. Values are filled in by the script; the markup carries only placeholders.
import { selfContainedPage } from "./page";
import { DASHBOARD_JS } from "./dashboard-script";
import { DASHBOARD_CSS } from "./dashboard-style";

const BODY = `
<header>
  <h1>Highlander</h1>
  <span><span data-testid="instance-id">–</span> <span class="badge" data-testid="role">–</span></span>
  <span class="badge" data-testid="ready">–</span>
  <span class="conn" data-testid="connection">connecting…</span>
</header>
<main>
  <section aria-labelledby="h-instance">
    <h2 id="h-instance">This instance</h2>
    <dl>
      <dt>Tenant</dt><dd data-testid="tenant">–</dd>
      <dt>Cluster</dt><dd data-testid="cluster">–</dd>
      <dt>Epoch</dt><dd data-testid="epoch">–</dd>
      <dt>Leader since</dt><dd data-testid="leader-since">–</dd>
      <dt>Not ready</dt><dd data-testid="ready-reasons">–</dd>
    </dl>
  </section>
  <section aria-labelledby="h-leader">
    <h2 id="h-leader">Current leader</h2>
    <dl>
      <dt>Leader</dt><dd data-testid="leader-id">–</dd>
      <dt>Cluster</dt><dd data-testid="leader-cluster">–</dd>
      <dt>Epoch</dt><dd data-testid="leader-epoch">–</dd>
      <dt>Renewed</dt><dd data-testid="leader-renewed">–</dd>
      <dt>Expires</dt><dd data-testid="leader-expires">–</dd>
    </dl>
  </section>
  <section aria-labelledby="h-storage">
    <h2 id="h-storage">Lock storage</h2>
    <dl>
      <dt>Type</dt><dd data-testid="storage-type">–</dd>
      <dt>Address</dt><dd data-testid="storage-address">–</dd>
      <dt>Health</dt><dd><span class="badge" data-testid="storage-connected">–</span></dd>
      <dt>Last error</dt><dd class="error-text" data-testid="storage-error">–</dd>
    </dl>
  </section>
  <section class="wide" aria-labelledby="h-workloads">
    <h2 id="h-workloads">Workloads</h2>
    <table data-testid="workloads">
      <thead><tr><th>Kind</th><th>Namespace</th><th>Name</th><th>Active</th><th>Healthy</th><th>Children</th><th>Status</th></tr></thead>
      <tbody data-testid="workloads-body"></tbody>
    </table>
    <p class="empty" data-testid="workloads-empty">No workloads.</p>
  </section>
  <section class="wide" aria-labelledby="h-events">
    <h2 id="h-events">Leadership changes and failovers</h2>
    <ol class="events" data-testid="events"></ol>
    <p class="empty" data-testid="events-empty">No leadership changes yet.</p>
  </section>
</main>`;

const PAGE = selfContainedPage({
  title: "Highlander",
  css: DASHBOARD_CSS,
  js: DASHBOARD_JS,
  body: BODY,
});

export const DASHBOARD_HTML = PAGE.html;

/** Allows the page's own inline style and script (by hash) and fetches to this origin only. */
export const DASHBOARD_CSP = PAGE.csp;
