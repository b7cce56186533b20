import { describe, expect, it } from "vitest";
import { leaseNameFor } from "./lease-name";

describe("leaseNameFor", () => {
  it("maps a plain tenant key to highlander-leader-lock-<tenant>", () => {
    expect(leaseNameFor("highlander-leader-lock:default")).toBe("highlander-leader-lock-default");
  });

  it("sanitizes other characters and adds a hash so distinct tenants stay distinct", () => {
    const a = leaseNameFor("highlander-leader-lock:Team_A");
    const b = leaseNameFor("highlander-leader-lock:team-a");
    expect(a).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
    expect(a).not.toBe(b);
    expect(leaseNameFor("highlander-leader-lock:" + "x".repeat(400)).length).toBeLessThanOrEqual(
      253,
    );
  });
});
