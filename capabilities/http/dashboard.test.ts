import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DASHBOARD_CSP, DASHBOARD_HTML } from "./dashboard";
import { DASHBOARD_JS } from "./dashboard-script";
import { DASHBOARD_CSS } from "./dashboard-style";

describe("dashboard page", () => {
  it("references nothing outside itself: no http:// or https:// anywhere", () => {
    expect(DASHBOARD_HTML).not.toMatch(/https?:\/\//i);
    expect(DASHBOARD_HTML).not.toMatch(/\bsrc\s*=/i);
    expect(DASHBOARD_HTML).not.toMatch(/@import|url\(/i);
    expect(DASHBOARD_HTML).not.toMatch(/\/\/[a-z0-9-]+\.[a-z]/i); // protocol-relative URLs
  });

  it("has the stable test ids a browser test reads", () => {
    for (const id of [
      "instance-id",
      "role",
      "tenant",
      "cluster",
      "epoch",
      "leader-since",
      "leader-id",
      "leader-cluster",
      "leader-epoch",
      "leader-expires",
      "storage-type",
      "storage-address",
      "storage-connected",
      "storage-error",
      "ready",
      "workloads-body",
      "events",
      "connection",
    ]) {
      expect(DASHBOARD_HTML).toContain(`data-testid="${id}"`);
    }
    for (const id of [
      "workload-row",
      "workload-kind",
      "workload-name",
      "workload-active",
      "workload-healthy",
      "workload-children",
      "workload-error",
      "event-row",
    ]) {
      expect(DASHBOARD_JS).toContain(`"${id}"`);
    }
  });

  it("inserts data with textContent only, never innerHTML or document.write", () => {
    expect(DASHBOARD_JS).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/,
    );
    expect(DASHBOARD_JS).toContain("textContent");
  });

  it("polls the status API by a relative path, every 2 seconds", () => {
    expect(DASHBOARD_JS).toContain('fetch("./api/status"');
    expect(DASHBOARD_JS).toContain("POLL_MS = 2000");
  });

  it("is syntactically valid JavaScript", () => {
    expect(() => new Function(DASHBOARD_JS)).not.toThrow();
  });

  it("is responsive: a viewport meta tag and a narrow-screen media query", () => {
    expect(DASHBOARD_HTML).toContain('name="viewport"');
    expect(DASHBOARD_CSS).toMatch(/@media \(max-width: \d+px\)/);
  });

  it("allows exactly its own inline script and style in the CSP", () => {
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? "";
    const style = /<style>([\s\S]*)<\/style>/.exec(DASHBOARD_HTML)?.[1] ?? "";
    expect(DASHBOARD_CSP).toContain(`script-src ${hash(script)}`);
    expect(DASHBOARD_CSP).toContain(`style-src ${hash(style)}`);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
  });
});
