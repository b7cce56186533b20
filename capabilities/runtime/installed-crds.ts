// Our CRDs, not the predecessor's (its file, or the ones it rewrites at its start): checked at start
// and every 5 minutes; a problem is an error log line naming the command that installs ours, and shows
// in /readyz. Every minute was four reads a minute, most of an idle operator's requests beyond its
// lock (npm run bench -- scale); replacing our CRDs is a migration mistake, not a race to win.
import { WORKLOAD_TYPES } from "../workloads/crd/kinds";
import { crdName, crdProblemMessage, crdProblems, type InstalledCrd } from "../workloads/crd/check";
import type { Logger } from "../logging";
import { KubeApiError, type KubeClient } from "./kube-client";

const RECHECK_MS = 5 * 60_000;

/** Starts checking; returns the current problem (null when the installed CRDs are ours). */
export function watchInstalledCrds(client: KubeClient, log: Logger): () => string | null {
  let problem: string | null = null;
  const check = async (first: boolean) => {
    try {
      const results = await Promise.all(
        WORKLOAD_TYPES.map(async type => {
          const name = crdName(type);
          const crd = await client
            .request<InstalledCrd>(
              "GET",
              `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
            )
            .catch((err: unknown) => {
              if (err instanceof KubeApiError && err.status === 404) return undefined;
              throw err;
            });
          return { name, problems: crdProblems(crd) };
        }),
      );
      const next = crdProblemMessage(results) ?? null;
      if (next !== null && (first || next !== problem)) log.error({}, next);
      if (next === null && problem !== null) log.info({}, "the installed CRDs are Highlander's");
      problem = next;
    } catch (err) {
      // Forbidden (RBAC from before this check) or unreachable: we cannot tell; say so once.
      if (first) log.warn({ err }, "could not check the schema of the installed CRDs");
    }
  };
  void check(true);
  setInterval(() => void check(false), RECHECK_MS).unref();
  return () => problem;
}
