// The operator's HTTP port (dashboard, API, probes, metrics) as the running operator serves it: its
// status snapshot, the step-down that ends this process's leadership, and the credentials it accepts.
import { readFileSync } from "node:fs";
import { describeConfig, type HighlanderConfig } from "../config";
import { cliVersion } from "../../cli/version";
import { createHttpServer, listPodDetails, type HttpServer, type PodObject } from "../http";
import { kubeAuthApi } from "../http/kube-auth";
import type { StatusSnapshot } from "../http/source";
import type { Logger } from "../logging";
import { NotLeaderError } from "../../storage/guard";
import type { FencedElection } from "./fenced-election";
import type { KubeClient, KubeObject } from "./kube-client";
import type { Manager } from "./manager";
import type { WorkQueue } from "./queue";
import type { ListScope } from "./workload-listing";

export async function serveOperatorHttp(deps: {
  config: HighlanderConfig;
  client: KubeClient;
  scope: ListScope;
  election: FencedElection;
  manager: Manager;
  queue: Pick<WorkQueue, "depth">;
  snapshot: () => StatusSnapshot;
  log: Logger;
}): Promise<HttpServer> {
  const { config, election, manager, log } = deps;
  const { leadership } = election;
  const http = createHttpServer({
    port: config.port,
    version: cliVersion(),
    host: config.http.bindAddress === "" ? undefined : config.http.bindAddress,
    allowedHosts: config.http.allowedHosts,
    readAuth: config.api.readAuth,
    auth: {
      // Re-read on every request so a rotated Secret takes effect without a restart.
      staticToken: () =>
        config.api.tokenFile === ""
          ? config.api.token
          : readFileSync(config.api.tokenFile, "utf8").trim(),
      kube: kubeAuthApi((path, body) => deps.client.request("POST", path, body)),
    },
    source: {
      snapshot: deps.snapshot,
      // The predecessor's /api/pods fields (labels, annotations, node): read live, our tenant only.
      pods: () =>
        listPodDetails(
          (namespace, selector) =>
            deps.client.list<PodObject & KubeObject>(
              { apiVersion: "v1", kind: "Pod", namespace: namespace || undefined },
              selector,
            ),
          deps.scope.namespaces,
          config.tenant,
        ),
      stepDown: async () => {
        if (!leadership.isLeader())
          throw new NotLeaderError("this instance is not the leader", "not-leading");
        manager.stop();
        await election.elector.stop();
        log.info("stepped down on request; exiting so the pod restarts as a fresh candidate");
        setTimeout(() => process.exit(0), 200).unref();
      },
    },
    logger: log,
    readyOnlyWhenLeader: config.readyOnlyWhenLeader,
    debugInfo: () => ({
      config: describeConfig(config),
      mode: manager.mode,
      queueDepth: deps.queue.depth,
    }),
  });
  const port = await http.listen();
  log.info(
    { port, id: leadership.id, tenant: config.tenant, cluster: config.cluster.name },
    `serving HTTP on port ${port}`,
  );
  return http;
}
