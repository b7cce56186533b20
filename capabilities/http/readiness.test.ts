import { describe, expect, it } from "vitest";
import { evaluateReadiness, readinessText, wantsReadinessText } from "./readiness";

const READY = { watchesSynced: true, lostWatches: [], storageReachable: true, isLeader: true };

describe("the predecessor's readiness text", () => {
  it("is ok, or not ready with the reasons", () => {
    expect(readinessText(evaluateReadiness(READY, false))).toBe("ok");
    const notReady = evaluateReadiness(
      { ...READY, storageReachable: false, isLeader: false },
      true,
    );
    expect(readinessText(notReady)).toBe(
      "not ready - lock storage is unreachable; not the leader (readyOnlyWhenLeader is set)",
    );
  });

  it("names each watch whose cache has not synced yet", () => {
    const notReady = evaluateReadiness({ ...READY, unsyncedCaches: ["Pod in apps"] }, false);
    expect(readinessText(notReady)).toBe("not ready - cache not synced: Pod in apps");
  });

  it("is chosen by the shape switch or an Accept of text/plain without JSON", () => {
    expect(wantsReadinessText(undefined, true)).toBe(true);
    expect(wantsReadinessText("application/json", true)).toBe(true);
    expect(wantsReadinessText("text/plain", false)).toBe(true);
    expect(wantsReadinessText("TEXT/PLAIN; charset=utf-8, */*;q=0.1", false)).toBe(true);
    expect(wantsReadinessText(undefined, false)).toBe(false);
    expect(wantsReadinessText("*/*", false)).toBe(false);
    expect(wantsReadinessText("application/json, text/plain", false)).toBe(false);
  });
});
