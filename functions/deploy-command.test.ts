import { describe, expect, it } from "vitest";
import { deploySettings, gcloudDeployArgs, shellQuote } from "./deploy-command";

describe("deploy command", () => {
  it("refuses without project, region and token secret, naming each", () => {
    const r = deploySettings({}, {});
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.missing.join("\n")).toMatch(/--project/);
      expect(r.missing.join("\n")).toMatch(/--region/);
      expect(r.missing.join("\n")).toMatch(/--token-secret/);
    }
    expect(
      deploySettings({ project: "p", region: "r", "token-secret": "s", "max-instances": "x" }, {})
        .ok,
    ).toBe(false);
  });

  it("builds the gen2 deploy command with env vars, the secret and IAM by default", () => {
    const r = deploySettings(
      { region: "europe-west1", "token-secret": "lease-token" },
      {
        HIGHLANDER_GCP_PROJECT: "proj",
        HIGHLANDER_SPANNER_INSTANCE_ID: "inst",
      },
    );
    if (!r.ok) throw new Error(r.missing.join());
    const args = gcloudDeployArgs(r.settings);
    expect(args.slice(0, 3)).toEqual(["functions", "deploy", "highlander-leases"]);
    expect(args).toEqual(
      expect.arrayContaining([
        "--gen2",
        "--runtime=nodejs20",
        "--entry-point=leases",
        "--trigger-http",
        "--project=proj",
        "--region=europe-west1",
        "--set-secrets=HIGHLANDER_LEASE_TOKEN=lease-token:latest",
        "--no-allow-unauthenticated",
        "--source=dist/functions",
      ]),
    );
    expect(args.find(a => a.startsWith("--set-env-vars="))).toBe(
      "--set-env-vars=NODE_ENV=production,HIGHLANDER_SPANNER_PROJECT_ID=proj,HIGHLANDER_SPANNER_INSTANCE_ID=inst,HIGHLANDER_SPANNER_DATABASE_ID=highlander-db",
    );
    expect(shellQuote(["a b", "c'd", "--x=1"])).toBe(`'a b' 'c'\\''d' --x=1`);
  });
});
