// The dashboard in a real headless browser (Debian Chromium) against two real operator processes on
// the local control plane: the leader's page shows itself leading and a workload the test created
// becoming active and healthy; after the leader is SIGKILLed, the standby's page turns into the
// leader's with a higher epoch, and its /metrics tell the same story.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kubectl } from "../devenv/controlplane/cluster";
import { launchBrowser } from "../devenv/lib/browser";
import { ROOT } from "../devenv/lib/module";
import {
  currentLeader,
  FAST_LEASE,
  startOperator,
  stopOperators,
  type OperatorProcess,
} from "../devenv/lib/operator";
import { tail, waitFor } from "../devenv/lib/processes";
import { promtoolProblems, sampleValue, scrapeText, parseMetrics } from "../devenv/lib/prometheus";

const kubeconfig = inject("kubeconfig");
const suffix = Date.now().toString(36);
const ns = `dashboard-${suffix}`;
// A tenant of its own keeps this file's operators away from other files' workloads and leases.
const tenant = `dash-${suffix}`;
const workloadName = "heartbeat";
const RESULTS = join(ROOT, ".test-results");

function k(args: string[], input?: string): string {
  return kubectl(kubeconfig, args, input);
}

/** Text of the first element with this data-testid, trimmed. */
async function testid(page: Page, id: string): Promise<string> {
  return ((await page.locator(`[data-testid="${id}"]`).first().textContent()) ?? "").trim();
}

/** Waits until the page shows `want` in the element `id` (the page polls the API every 2 s). */
async function pageShows(page: Page, id: string, want: string): Promise<void> {
  await waitFor(
    `the dashboard to show ${id}=${want}`,
    async () => ((await testid(page, id)) === want ? true : undefined),
    30_000,
    250,
  ).catch(async err => {
    throw new Error(`${(err as Error).message}; it shows "${await testid(page, id)}"`);
  });
}

async function instanceId(op: OperatorProcess): Promise<string> {
  return (await op.api<{ instance: { id: string } }>("/api/status")).instance.id;
}

/** When the lock was last renewed, as this operator reports it (ms since the epoch). */
async function renewedAt(op: OperatorProcess): Promise<number> {
  const status = await op.api<{ leader: { renewedAt: string } | null }>("/api/status");
  return Date.parse(status.leader?.renewedAt ?? "") || 0;
}

function workloadRow(page: Page) {
  return page.locator(`[data-testid="workload-row"][data-name="${workloadName}"]`);
}

async function rowShows(page: Page, active: string, healthy: string): Promise<void> {
  const row = workloadRow(page);
  await waitFor(
    `the workload row to show ${active}/${healthy}`,
    async () => {
      if ((await row.count()) !== 1) return undefined;
      const a = (await row.locator('[data-testid="workload-active"]').textContent())?.trim();
      const h = (await row.locator('[data-testid="workload-healthy"]').textContent())?.trim();
      return a === active && h === healthy ? true : undefined;
    },
    60_000,
    250,
  );
}

describe("dashboard in a real browser, across a failover", () => {
  const dir = mkdtempSync(join(tmpdir(), "highlander-dashboard-"));
  let operators: OperatorProcess[] = [];
  let browser: Browser | undefined;

  beforeAll(async () => {
    k(["create", "namespace", ns]);
    const env = { ...FAST_LEASE, HIGHLANDER_TENANT: tenant, HIGHLANDER_LEASE_NAMESPACE: ns };
    operators = await Promise.all(
      ["dash-a", "dash-b"].map(name => startOperator({ name, kubeconfig, dir, env })),
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stopOperators(...operators);
    try {
      k(["delete", "namespace", ns, "--wait=false"]);
    } catch {
      // best effort
    }
  });

  it("shows the leader and its workload, then the new leader after the old one is killed", async () => {
    const leader = await waitFor("one operator to lead", () => currentLeader(operators), 30_000);
    const standby = operators.find(p => p !== leader);
    if (!standby) throw new Error("no standby operator");
    // Candidate identities are HIGHLANDER_ID plus a per-process suffix; the API says which.
    const leaderId = await instanceId(leader);
    const standbyId = await instanceId(standby);
    expect(leaderId.startsWith(`${leader.name}-`)).toBe(true);

    k(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "highlander.plexobject.io/v1",
        kind: "WorkloadProcess",
        metadata: {
          name: workloadName,
          namespace: ns,
          labels: { "highlander.plexobject.io/tenant": tenant },
        },
        spec: { image: "busybox", command: ["sh", "-c", "while true; do date; sleep 5; done"] },
      }),
    );

    if (!browser) throw new Error("no browser");
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const leaderPage = await context.newPage();
    const standbyPage = await context.newPage();
    const pageErrors: string[] = [];
    for (const page of [leaderPage, standbyPage]) {
      page.on("pageerror", err => pageErrors.push(err.message));
      page.on("console", msg => {
        if (msg.type() === "error") pageErrors.push(msg.text());
      });
    }

    try {
      const res = await leaderPage.goto(`${leader.url}/`);
      expect(res?.status()).toBe(200);
      await pageShows(leaderPage, "instance-id", leaderId);
      await pageShows(leaderPage, "role", "leader");
      await pageShows(leaderPage, "leader-id", leaderId);
      await pageShows(leaderPage, "tenant", tenant);
      await pageShows(leaderPage, "storage-connected", "connected");
      await rowShows(leaderPage, "active", "healthy");
      expect(await testid(leaderPage, "connection")).toMatch(/^updated /);
      const oldEpoch = Number(await testid(leaderPage, "epoch"));
      expect(oldEpoch).toBeGreaterThan(0);
      expect(await testid(leaderPage, "leader-epoch")).toBe(String(oldEpoch));
      expect(await workloadRow(leaderPage).locator('[data-testid="workload-child"]').count()).toBe(
        1,
      );

      await standbyPage.goto(`${standby.url}/`);
      await pageShows(standbyPage, "instance-id", standbyId);
      await pageShows(standbyPage, "role", "standby");
      await pageShows(standbyPage, "leader-id", leaderId);
      await rowShows(standbyPage, "active", "healthy");

      // The lock's renewal times are shown and kept current (not frozen at the change of leader).
      expect(await testid(leaderPage, "leader-renewed")).toMatch(/ago|in /);
      expect(await testid(standbyPage, "leader-renewed")).toMatch(/ago|in /);
      for (const op of [leader, standby]) {
        const first = await renewedAt(op);
        await waitFor(
          `${op.name} to report a later renewal of the lock`,
          async () => ((await renewedAt(op)) > first ? true : undefined),
          15_000,
          250,
        );
      }

      mkdirSync(RESULTS, { recursive: true });
      await leaderPage.screenshot({ path: join(RESULTS, "dashboard.png") });

      // Failover: the leader dies without releasing the lock.
      leader.kill("SIGKILL");
      await leader.exited();

      await pageShows(standbyPage, "role", "leader");
      await pageShows(standbyPage, "leader-id", standbyId);
      const newEpoch = Number(await testid(standbyPage, "epoch"));
      expect(newEpoch).toBeGreaterThan(oldEpoch);
      expect(await testid(standbyPage, "leader-epoch")).toBe(String(newEpoch));
      await rowShows(standbyPage, "active", "healthy");
      await waitFor(
        "a failover entry in the leadership changes",
        async () =>
          (await standbyPage.locator('[data-testid="event-row"][data-type="failover"]').count()) > 0
            ? true
            : undefined,
        15_000,
      );
      // The dead leader's page says it cannot reach its operator instead of going blank.
      await waitFor(
        "the old leader's page to report the lost connection",
        async () =>
          (await testid(leaderPage, "connection")).startsWith("cannot reach the operator")
            ? true
            : undefined,
        15_000,
      );
      await standbyPage.screenshot({ path: join(RESULTS, "dashboard-after-failover.png") });

      // On a phone the page reflows to one column: nothing wider than the screen.
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
      try {
        const phonePage = await phone.newPage();
        await phonePage.goto(`${standby.url}/`);
        await pageShows(phonePage, "role", "leader");
        await rowShows(phonePage, "active", "healthy");
        // A string, so this Node-typed file needs no DOM typings.
        const widths = (await phonePage.evaluate(
          "({ page: document.documentElement.scrollWidth, screen: window.innerWidth })",
        )) as { page: number; screen: number };
        expect(widths.page).toBeLessThanOrEqual(widths.screen);
        await phonePage.screenshot({ path: join(RESULTS, "dashboard-phone.png"), fullPage: true });
      } finally {
        await phone.close();
      }

      const text = await scrapeText(standby.url);
      // The real scrape passes promtool's format and lint check (known, documented exceptions aside).
      expect(promtoolProblems(text)).toEqual([]);
      const metrics = parseMetrics(text);
      const backend = { backend: "kubernetes" };
      expect(sampleValue(metrics, "k8_highlander_is_leader", backend)).toBe(1);
      expect(sampleValue(metrics, "k8_highlander_leader_epoch", backend)).toBe(newEpoch);
      expect(
        sampleValue(metrics, "k8_highlander_leadership_transitions_total", backend),
      ).toBeGreaterThan(0);
      expect(sampleValue(metrics, "k8_highlander_failover_total", backend)).toBeGreaterThanOrEqual(
        1,
      );
      expect(pageErrors).toEqual([
        // Only the dead operator's page may fail its fetches.
        ...pageErrors.filter(e => /Failed to load resource|ERR_CONNECTION_REFUSED/.test(e)),
      ]);
    } catch (err) {
      for (const p of operators) process.stderr.write(`--- ${p.name}\n${tail(p.logFile, 30)}\n`);
      throw err;
    } finally {
      await context.close();
    }
  });
});
