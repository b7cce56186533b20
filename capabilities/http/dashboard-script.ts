// The dashboard's script: polls ./api/status every 2 s and renders it with DOM calls only.
// Every value goes through textContent (never innerHTML), so names and error messages from the
// cluster cannot inject markup. The path is relative so the page also works behind
// `kubectl proxy` or an ingress path prefix. Written as plain ES2017, no template literals inside.
export const DASHBOARD_JS = `
"use strict";
(function () {
  var POLL_MS = 2000;
  var lastOk = null;

  function $(id) { return document.querySelector('[data-testid="' + id + '"]'); }
  function setText(id, value) { var el = $(id); if (el) el.textContent = value == null || value === "" ? "\\u2013" : String(value); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }
  function ago(iso) {
    if (!iso) return "";
    var t = Date.parse(iso);
    if (isNaN(t)) return String(iso);
    var s = Math.round((Date.now() - t) / 1000);
    var future = s < 0; s = Math.abs(s);
    var text = s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m" + (s % 60) + "s" : s < 86400 ? Math.floor(s / 3600) + "h" + Math.floor((s % 3600) / 60) + "m" : Math.floor(s / 86400) + "d";
    return future ? "in " + text : text + " ago";
  }
  function when(iso) { return iso ? new Date(iso).toLocaleString() + " (" + ago(iso) + ")" : ""; }
  function flag(id, ok, yes, no) {
    var node = $(id); if (!node) return;
    node.textContent = ok ? yes : no;
    node.className = "badge " + (ok ? "good" : "bad");
  }

  function renderInstance(s) {
    var i = s.instance;
    setText("instance-id", i.id); setText("tenant", i.tenant); setText("cluster", i.cluster);
    var role = $("role"); role.textContent = i.role; role.className = "badge role-" + i.role;
    setText("epoch", i.epoch); setText("leader-since", when(i.leaderSince));
    var r = s.ready; flag("ready", r.ready, "ready", "not ready");
    setText("ready-reasons", r.reasons.join("; "));
    document.title = "Highlander \\u2013 " + i.id + " (" + i.role + ")";
  }
  function renderLeader(s) {
    var l = s.leader || {};
    setText("leader-id", s.leader ? l.id : "none");
    setText("leader-cluster", l.cluster); setText("leader-epoch", l.epoch);
    setText("leader-renewed", when(l.renewedAt)); setText("leader-expires", when(l.expiresAt));
  }
  function renderStorage(s) {
    var st = s.storage;
    setText("storage-type", st.type); setText("storage-address", st.address);
    flag("storage-connected", st.connected, "connected", "disconnected");
    setText("storage-error", st.lastError);
  }
  function cell(row, label, testid, content) {
    var td = el("td"); td.setAttribute("data-label", label); td.setAttribute("data-testid", testid);
    if (content instanceof Node) td.appendChild(content); else td.textContent = content == null ? "" : String(content);
    row.appendChild(td); return td;
  }
  function renderWorkloads(s) {
    var body = $("workloads-body"); body.replaceChildren();
    $("workloads-empty").hidden = s.workloads.length > 0;
    s.workloads.forEach(function (w) {
      var row = el("tr"); row.setAttribute("data-testid", "workload-row");
      row.dataset.kind = w.kind; row.dataset.namespace = w.namespace; row.dataset.name = w.name;
      cell(row, "Kind", "workload-kind", w.kind);
      cell(row, "Namespace", "workload-namespace", w.namespace);
      cell(row, "Name", "workload-name", w.name);
      var active = el("span", "badge " + (w.active ? "good" : "muted"), w.active ? "active" : "inactive");
      cell(row, "Active", "workload-active", active);
      var healthy = el("span", "badge " + (w.healthy ? "good" : w.active ? "bad" : "muted"), w.healthy ? "healthy" : "unhealthy");
      cell(row, "Healthy", "workload-healthy", healthy);
      var list = el("ul");
      w.children.forEach(function (c) {
        var item = el("li", null, c.kind + " " + c.name + ": " + c.status);
        item.setAttribute("data-testid", "workload-child"); list.appendChild(item);
      });
      cell(row, "Children", "workload-children", w.children.length ? list : el("span", "muted", "none"));
      var msg = el("div");
      if (w.message) msg.appendChild(el("div", null, w.message));
      if (w.lastError) msg.appendChild(el("div", "error-text", w.lastError));
      cell(row, "Status", "workload-error", msg);
      body.appendChild(row);
    });
  }
  function renderEvents(s) {
    var list = $("events"); list.replaceChildren();
    $("events-empty").hidden = s.events.length > 0;
    s.events.forEach(function (e) {
      var item = el("li"); item.setAttribute("data-testid", "event-row"); item.dataset.type = e.type;
      item.appendChild(el("span", "muted", when(e.at)));
      var cls = e.type === "acquired" ? "good" : e.type === "lost" ? "bad" : e.type === "failover" ? "warn" : "";
      item.appendChild(el("span", "badge " + cls, e.type));
      item.appendChild(el("span", null, e.id + " (epoch " + e.epoch + ")" + (e.detail ? " \\u2013 " + e.detail : "")));
      list.appendChild(item);
    });
  }
  function render(s) { renderInstance(s); renderLeader(s); renderStorage(s); renderWorkloads(s); renderEvents(s); }

  function showConnection(error) {
    var c = $("connection");
    if (error) { c.textContent = "cannot reach the operator: " + error + (lastOk ? "; data from " + ago(lastOk) : ""); c.className = "conn bad"; }
    else { c.textContent = "updated " + new Date(lastOk).toLocaleTimeString(); c.className = "conn"; }
  }
  function poll() {
    fetch("./api/status", { cache: "no-store", headers: { accept: "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (body.status !== "success") throw new Error(body.error || "error");
        lastOk = new Date().toISOString(); render(body.data); showConnection(null);
      })
      .catch(function (err) { showConnection(err && err.message ? err.message : String(err)); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
`;
