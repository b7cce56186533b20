import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { choosePort, readyBlock, START_PORT } from "./start";

describe("choosePort", () => {
  it("uses START_PORT, not kubectl's fallback 8080, when no port is configured", () => {
    const env: NodeJS.ProcessEnv = { HIGHLANDER_CONFIG: "" };
    expect(choosePort(env)).toBe(START_PORT);
    expect(START_PORT).not.toBe(8080);
    expect(env.HIGHLANDER_PORT).toBe(String(START_PORT));
  });

  it("honours HIGHLANDER_PORT (the predecessor's 8080 included)", () => {
    const env: NodeJS.ProcessEnv = { HIGHLANDER_PORT: "8080" };
    expect(choosePort(env)).toBe(8080);
    expect(env.HIGHLANDER_PORT).toBe("8080");
  });
});

describe("readyBlock", () => {
  const base = { kubeconfig: "/repo/.cluster/kubeconfig", port: 8090, root: process.cwd() };

  it("prints the export line when the shell does not point at the cluster yet", () => {
    const text = readyBlock({ ...base, exported: false });
    expect(text).toContain("export KUBECONFIG=/repo/.cluster/kubeconfig");
    expect(text).toContain("http://127.0.0.1:8090/");
    expect(text).toContain("kubectl apply -f manifests/examples/workloadcronjob.yaml");
    expect(existsSync(join(process.cwd(), "manifests/examples/workloadcronjob.yaml"))).toBe(true);
  });

  it("leaves the export line out when KUBECONFIG or ~/.kube/config already is the cluster", () => {
    const text = readyBlock({ ...base, exported: true });
    expect(text).not.toContain("export KUBECONFIG");
    expect(text).toContain("kubeconfig: /repo/.cluster/kubeconfig");
  });
});
