import { describe, expect, it } from "vitest";
import { classifyWriteError, POLICY_NOT_CONFIGURED, TYPED_PATCH_FAILURE } from "./write-errors";

describe("classifyWriteError", () => {
  it.each([
    [
      422,
      'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
    ],
    [403, 'pods "p" is forbidden: error looking up service account ns/missing'],
    [400, "the server rejected our request"],
    [404, 'namespaces "gone" not found'],
    [413, "Request entity too large"],
    [
      500,
      `${TYPED_PATCH_FAILURE} (ns/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric`,
    ],
  ])("a %i the API server answered about the object is a rejection", (status, message) => {
    expect(classifyWriteError({ status, message })).toBe("rejected");
  });

  it.each([
    [409, "Operation cannot be fulfilled: the object has been modified"],
    [429, "Too many requests"],
    [500, "etcdserver: request timed out"],
    [503, "service unavailable"],
    [504, "gateway timeout"],
    [410, "Gone"],
  ])("a %i is transient", (status, message) => {
    expect(classifyWriteError({ status, message })).toBe("transient");
  });

  it("an admission policy the API server has not set up yet is transient, whatever the status", () => {
    // As kube-apiserver 1.34 answered in the seconds after its restart (chaos smoke, 2026-12-07).
    const message =
      "jobs.batch \"t-1\" is invalid: : ValidatingAdmissionPolicy 'highlander-fence' with binding " +
      `'highlander-fence' denied request: ${POLICY_NOT_CONFIGURED}: failed to find resource ` +
      "referenced by paramKind: 'highlander.plexobject.io/v1, Kind=HighlanderFence'";
    expect(classifyWriteError({ status: 422, message })).toBe("transient");
    expect(classifyWriteError({ status: 403, message })).toBe("transient");
  });

  it("network failures without an answer are transient", () => {
    expect(classifyWriteError({ code: "ECONNRESET", message: "read ECONNRESET" })).toBe(
      "transient",
    );
    expect(classifyWriteError({ message: "socket hang up" })).toBe("transient");
    expect(classifyWriteError({ message: "request timed out after 10000 ms" })).toBe("transient");
  });

  it("anything else is left to the caller", () => {
    expect(classifyWriteError({ message: "not the leader" })).toBeUndefined();
    expect(classifyWriteError({ status: 302, message: "Found" })).toBeUndefined();
    expect(classifyWriteError({ code: "ERR_ASSERTION", message: "bug" })).toBeUndefined();
  });
});
