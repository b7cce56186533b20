// `npm run cluster:up | cluster:down | cluster:build`: the local control plane for people, kept in
// .cluster/ (git-ignored) until `cluster:down`.
import { resolve } from "node:path";
import { ensureBinaries } from "./build";
import { findRunningCluster, startCluster, stopClusterInDir } from "./cluster";

export const LOCAL_CLUSTER_DIR = resolve(process.cwd(), ".cluster");

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case "build": {
      const dir = await ensureBinaries();
      console.log(`control-plane binaries are in ${dir}`);
      return;
    }
    case "up": {
      const running = await findRunningCluster(LOCAL_CLUSTER_DIR);
      if (running) {
        console.log(`already up: ${running.server}\nkubeconfig: ${running.kubeconfig}`);
        return;
      }
      await stopClusterInDir(LOCAL_CLUSTER_DIR);
      const cluster = await startCluster({ dir: LOCAL_CLUSTER_DIR, name: "local cluster" });
      console.log(`up: ${cluster.server}\nkubeconfig: ${cluster.kubeconfig}`);
      console.log(`try: kubectl --kubeconfig ${cluster.kubeconfig} get nodes`);
      return;
    }
    case "down": {
      const stopped = await stopClusterInDir(LOCAL_CLUSTER_DIR);
      console.log(stopped > 0 ? `stopped ${stopped} processes` : "no local cluster was running");
      return;
    }
    default:
      throw new Error(
        `usage: tsx devenv/controlplane/cli.ts up|down|build (got "${command ?? ""}")`,
      );
  }
}

main(process.argv[2]).catch(err => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
