import { afterEach, describe, expect, it } from "vitest";
import { parseArgs } from "./args";
import { stepDown, stepDownRefusal } from "./leader-commands";
import type { Fetch, LeaderView } from "./operator-api";
import { captured } from "./test-output";

const BOOLEANS = new Set(["force"]);

const view = (tenant: string, role: string): LeaderView => ({
  tenant,
  self: { id: `${tenant}-${role}`, role },
  isLeader: role === "leader",
});

/** A fake operator API: URL -> its /api/leader view; records each request. */
function operators(views: Record<string, LeaderView>) {
  const calls: Array<{ url: string; method: string; auth?: string }> = [];
  const fetchFn: Fetch = async (url, init) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ url, method: init.method ?? "GET", auth: headers.Authorization });
    const base = url.replace(/\/api\/.*$/, "");
    const data = url.endsWith("/step-down") ? { steppedDown: true } : views[base];
    return new Response(JSON.stringify({ status: "success", data }), { status: 200 });
  };
  return { calls, fetchFn };
}

const run = (argv: string[], fetchFn: Fetch) =>
  captured(() => stepDown(parseArgs(argv, BOOLEANS), fetchFn));

describe("stepDownRefusal", () => {
  it("allows a leader with a standby of its tenant", () => {
    expect(stepDownRefusal(view("t", "leader"), [view("t", "standby")])).toBeUndefined();
  });
  it("refuses without a standby, or with one of another tenant only", () => {
    expect(stepDownRefusal(view("t", "leader"), [])).toContain("no standby would take over");
    expect(stepDownRefusal(view("t", "leader"), [view("u", "standby")])).toContain("no standby");
    expect(stepDownRefusal(view("t", "leader"), [view("t", "observer")])).toContain("no standby");
  });
  it("refuses a target that is not the leader", () => {
    expect(stepDownRefusal(view("t", "standby"), [])).toBe(
      "not the leader: this instance is standby",
    );
  });
});

describe("highlander step-down", () => {
  const saved = process.env.HIGHLANDER_API_TOKEN;
  afterEach(() => {
    if (saved === undefined) delete process.env.HIGHLANDER_API_TOKEN;
    else process.env.HIGHLANDER_API_TOKEN = saved;
  });

  it("refuses a lone leader (exit 1) and sends no step-down", async () => {
    const { calls, fetchFn } = operators({ "http://a": view("t", "leader") });
    const r = await run(["--url", "http://a"], fetchFn);
    expect(r.result).toBe(1);
    expect(r.stderr).toContain("no standby would take over");
    expect(calls.map(c => c.method)).toEqual(["GET"]);
  });

  it("steps a lone leader down with --force", async () => {
    const { calls, fetchFn } = operators({ "http://a": view("t", "leader") });
    const r = await run(["--url", "http://a", "--force"], fetchFn);
    expect(r.result).toBe(0);
    expect(r.stdout).toContain("stepped down (--force)");
    expect(calls.at(-1)).toMatchObject({ url: "http://a/api/leader/step-down", method: "POST" });
  });

  it("steps down when a named peer is a standby of the same tenant", async () => {
    const { calls, fetchFn } = operators({
      "http://a": view("t", "leader"),
      "http://b": view("t", "standby"),
    });
    const r = await run(["--url", "http://a/", "--url", "http://b"], fetchFn);
    expect(r.result).toBe(0);
    expect(r.stdout).toContain("a standby takes over");
    expect(calls.filter(c => c.method === "POST").map(c => c.url)).toEqual([
      "http://a/api/leader/step-down",
    ]);
  });

  it("--force does not step down a standby", async () => {
    const { fetchFn } = operators({ "http://b": view("t", "standby") });
    const r = await run(["--url", "http://b", "--force"], fetchFn);
    expect(r.result).toBe(1);
    expect(r.stderr).toContain("not the leader");
  });

  it("sends Authorization: Bearer from --token, else HIGHLANDER_API_TOKEN", async () => {
    process.env.HIGHLANDER_API_TOKEN = "from-env";
    const one = operators({ "http://a": view("t", "leader") });
    await run(["--url", "http://a", "--force", "--token", "from-flag"], one.fetchFn);
    expect(one.calls.map(c => c.auth)).toEqual(["Bearer from-flag", "Bearer from-flag"]);
    const two = operators({ "http://a": view("t", "leader") });
    await run(["--url", "http://a", "--force"], two.fetchFn);
    expect(two.calls.map(c => c.auth)).toEqual(["Bearer from-env", "Bearer from-env"]);
    delete process.env.HIGHLANDER_API_TOKEN;
    const three = operators({ "http://a": view("t", "leader") });
    await run(["--url", "http://a", "--force"], three.fetchFn);
    expect(three.calls.map(c => c.auth)).toEqual([undefined, undefined]);
  });
});
