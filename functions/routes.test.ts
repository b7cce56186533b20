import { describe, expect, it } from "vitest";
import { leaseFromKey, leaseKeyFor, parseLeaseName } from "./lease-key";
import { route } from "./routes";

describe("route", () => {
  it("maps every endpoint", () => {
    expect(route("GET", "/")).toEqual({ kind: "dashboard" });
    expect(route("GET", "/healthz")).toEqual({ kind: "healthz" });
    expect(route("GET", "/metrics")).toEqual({ kind: "metrics" });
    expect(route("GET", "/v1/leases?x=1")).toEqual({ kind: "list" });
    expect(route("GET", "/v1/leases/team-a/report")).toEqual({
      kind: "get",
      lease: { tenant: "team-a", name: "report" },
    });
    expect(route("POST", "/v1/leases/team-a/report:renew")).toEqual({
      kind: "action",
      action: "renew",
      lease: { tenant: "team-a", name: "report" },
    });
    expect(route("POST", "/v1/leases/team-a/report%3Aacquire")).toMatchObject({
      action: "acquire",
    });
  });

  it("answers 405 with the allowed method, 400 for bad names, 404 for the rest", () => {
    expect(route("GET", "/v1/leases/a/b:acquire")).toMatchObject({
      kind: "method-not-allowed",
      allow: "POST",
    });
    expect(route("POST", "/v1/leases")).toMatchObject({ kind: "method-not-allowed", allow: "GET" });
    expect(route("HEAD", "/healthz")).toEqual({ kind: "healthz" });
    expect(route("POST", "/v1/leases/A/b:acquire")).toMatchObject({ kind: "bad-request" });
    expect(route("POST", "/v1/leases/a/-b:acquire")).toMatchObject({ kind: "bad-request" });
    expect(route("GET", "/v1/leases/a")).toMatchObject({ kind: "bad-request" });
    expect(route("GET", "/v1/leases/a/b/c")).toMatchObject({ kind: "bad-request" });
    expect(route("GET", "/v1/leases/a/%E0%A4%A")).toMatchObject({ kind: "bad-request" });
    expect(route("POST", "/v1/leases/a/b:steal")).toMatchObject({ kind: "not-found" });
    expect(route("GET", "/other")).toMatchObject({ kind: "not-found" });
  });
});

describe("lease names", () => {
  it("round-trips keys and rejects what is not a DNS label", () => {
    const lease = parseLeaseName("team-a/report-1");
    expect(leaseKeyFor(lease)).toBe("highlander-lease:team-a/report-1");
    expect(leaseFromKey("highlander-lease:team-a/report-1")).toEqual(lease);
    expect(leaseFromKey("highlander-leader-lock:team-a")).toBeUndefined();
    expect(() => parseLeaseName("team-a")).toThrow(/<tenant>\/<name>/);
    expect(() => parseLeaseName("Team/x")).toThrow(/not a DNS label/);
    expect(() => parseLeaseName(`a/${"x".repeat(64)}`)).toThrow(/not a DNS label/);
    expect(() => parseLeaseName("a/")).toThrow(/name is empty/);
  });
});
