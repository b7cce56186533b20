import { describe, expect, it, vi } from "vitest";
import {
  authorizeMutation,
  authorizeRead,
  bearerToken,
  READ_ACCESS,
  hostAllowed,
  STEP_DOWN_ACCESS,
  tokensEqual,
  type KubeAuthApi,
} from "./auth";

function kube(user: string | undefined, allowed: boolean): KubeAuthApi {
  return {
    tokenReview: vi.fn(async () => (user === undefined ? undefined : { username: user })),
    subjectAccessReview: vi.fn(async () => allowed),
  };
}

describe("authorizeMutation", () => {
  it("refuses a request without credentials with 401", async () => {
    expect(await authorizeMutation(undefined, { staticToken: () => "s3cret" })).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await authorizeMutation("Basic abc", { staticToken: () => "s3cret" })).toMatchObject({
      status: 401,
    });
  });

  it("accepts the configured token and refuses another without TokenReview", async () => {
    expect(await authorizeMutation("Bearer s3cret", { staticToken: () => "s3cret" })).toEqual({
      ok: true,
      user: "api-token",
    });
    expect(await authorizeMutation("Bearer wrong", { staticToken: () => "s3cret" })).toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it("never accepts an empty configured token", async () => {
    expect(await authorizeMutation("Bearer x", { staticToken: () => "" })).toMatchObject({
      status: 401,
    });
  });

  it("asks TokenReview, then SubjectAccessReview on leaders", async () => {
    const api = kube("system:serviceaccount:ops:oncall", true);
    expect(await authorizeMutation("Bearer kube-token", { kube: api })).toEqual({
      ok: true,
      user: "system:serviceaccount:ops:oncall",
    });
    expect(api.tokenReview).toHaveBeenCalledWith("kube-token");
    expect(api.subjectAccessReview).toHaveBeenCalledWith(
      { username: "system:serviceaccount:ops:oncall" },
      STEP_DOWN_ACCESS,
    );
  });

  it("gives 401 for a token TokenReview refuses and 403 for a user RBAC refuses", async () => {
    expect(await authorizeMutation("Bearer t", { kube: kube(undefined, true) })).toMatchObject({
      status: 401,
    });
    const denied = await authorizeMutation("Bearer t", { kube: kube("alice", false) });
    expect(denied).toMatchObject({ ok: false, status: 403 });
    expect(denied.ok ? "" : denied.reason).toContain("leaders.highlander.plexobject.io");
  });
});

describe("authorizeRead", () => {
  it("open needs nothing; token takes only the static token, never TokenReview", async () => {
    expect(await authorizeRead(undefined, "open", {})).toMatchObject({ ok: true });
    const api = kube("alice", true);
    const opts = { staticToken: () => "s3cret", kube: api };
    expect(await authorizeRead("Bearer s3cret", "token", opts)).toMatchObject({ ok: true });
    expect(await authorizeRead("Bearer kube", "token", opts)).toMatchObject({ status: 401 });
    expect(api.tokenReview).not.toHaveBeenCalled();
  });

  it("kubernetes asks SubjectAccessReview for get on leaders", async () => {
    const api = kube("alice", true);
    expect(await authorizeRead("Bearer kube", "kubernetes", { kube: api })).toMatchObject({
      ok: true,
      user: "alice",
    });
    expect(api.subjectAccessReview).toHaveBeenCalledWith({ username: "alice" }, READ_ACCESS);
  });
});

describe("helpers", () => {
  it("parses bearer tokens", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc ")).toBe("abc");
    expect(bearerToken("Bearer")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("compares tokens of any length", () => {
    expect(tokensEqual("a", "a")).toBe(true);
    expect(tokensEqual("a", "ab")).toBe(false);
  });

  it("allows IPs, localhost, Service names and configured hosts, refuses rebinding names", () => {
    expect(hostAllowed("127.0.0.1:8080", [])).toBe(true);
    expect(hostAllowed("[::1]:8080", [])).toBe(true);
    expect(hostAllowed("localhost:8080", [])).toBe(true);
    expect(hostAllowed("highlander.highlander-system.svc:8080", [])).toBe(true);
    expect(hostAllowed("evil.example:8080", [])).toBe(false);
    expect(hostAllowed("ops.example", ["ops.example"])).toBe(true);
    expect(hostAllowed(undefined, [])).toBe(false);
  });
});
