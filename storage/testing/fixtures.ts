// The four real backends the contract suite runs against, each with the knobs the suite needs and a
// way to take a dedicated server away and bring it back (the outage test).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster } from "../../devenv/controlplane/cluster";
import { startPostgres } from "../../devenv/services/postgres";
import { startRedis } from "../../devenv/services/redis";
import { startSpanner } from "../../devenv/services/spanner";
import type { LockStoreConfig } from "../factory";
import type { LeaseTiming } from "../timing";

interface Outage {
  /** Store config pointing at the dedicated server. */
  config: LockStoreConfig;
  /** How the server is taken away, for the test output. */
  how: string;
  interrupt(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface BackendFixture {
  name: string;
  config: LockStoreConfig;
  /** Lease for races where several contenders queue (Spanner emulator: one RW txn at a time). */
  raceLeaseMs: number;
  /** A short lease for expiry tests (Kubernetes: whole seconds). */
  shortLeaseMs: number;
  /** Elector timing for the outage and frozen-leader tests. */
  timing: LeaseTiming;
  outage(): Promise<Outage>;
}

interface Injected {
  kubeconfig: string;
  redisUrl: string;
  databaseUrl: string;
  spannerEmulatorHost: string;
}

function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `highlander-${name}-`));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  process.kill(pid, sig);
}

/** Makes interrupt/resume idempotent, so cleanup may call resume() whatever state the test left. */
function toggled(outage: Outage): Outage {
  let down = false;
  return {
    ...outage,
    interrupt: async () => {
      if (down) return;
      down = true;
      await outage.interrupt();
    },
    resume: async () => {
      if (!down) return;
      down = false;
      await outage.resume();
    },
  };
}

export function backendFixtures(env: Injected): BackendFixture[] {
  const fast: LeaseTiming = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };
  return [
    {
      name: "kubernetes",
      config: { type: "kubernetes", kubeconfig: env.kubeconfig, namespace: "default" },
      raceLeaseMs: 30_000,
      shortLeaseMs: 2000,
      timing: fast,
      async outage() {
        // Stopping and restarting a kube-apiserver needs its full command line, which only the
        // cluster starter knows; freezing it (SIGSTOP) makes it stop answering just the same (the
        // harder case for a client: connections hang rather than fail), and SIGCONT brings it back.
        const cluster = await startCluster({
          dir: scratch("outage-cluster"),
          ownerPid: process.pid,
          name: "outage cluster",
        });
        const pid = cluster.pids["kube-apiserver"];
        if (!pid) throw new Error("the outage cluster has no kube-apiserver PID");
        return toggled({
          config: { type: "kubernetes", kubeconfig: cluster.kubeconfig, namespace: "default" },
          how: "kube-apiserver frozen with SIGSTOP, resumed with SIGCONT",
          interrupt: async () => signal(pid, "SIGSTOP"),
          resume: async () => signal(pid, "SIGCONT"),
          close: async () => {
            signal(pid, "SIGCONT");
            await cluster.stop();
          },
        });
      },
    },
    {
      name: "redis",
      config: { type: "redis", url: env.redisUrl },
      raceLeaseMs: 30_000,
      shortLeaseMs: 1500,
      timing: fast,
      async outage() {
        const dir = scratch("outage-redis");
        let server = await startRedis({ dir, ownerPid: process.pid, appendOnly: true });
        const port = server.port;
        return toggled({
          config: { type: "redis", url: server.url },
          how: "redis-server stopped, then started again on the same port (append-only file kept)",
          interrupt: () => server.stop(),
          resume: async () => {
            server = await startRedis({ dir, port, ownerPid: process.pid, appendOnly: true });
          },
          close: () => server.stop(),
        });
      },
    },
    {
      name: "postgres",
      config: { type: "db", databaseUrl: env.databaseUrl },
      raceLeaseMs: 30_000,
      shortLeaseMs: 1500,
      timing: fast,
      async outage() {
        const server = await startPostgres({ dir: scratch("outage-pg"), ownerPid: process.pid });
        return toggled({
          config: { type: "db", databaseUrl: server.url },
          how: "postgres stopped, then started again on the same data directory and port",
          interrupt: () => server.stop(),
          resume: () => server.restart(),
          close: () => server.stop(),
        });
      },
    },
    {
      name: "spanner",
      config: {
        type: "spanner",
        projectId: "highlander-test",
        instanceId: "highlander-instance",
        databaseId: "highlander-db",
        emulatorHost: env.spannerEmulatorHost,
        createIfMissing: true,
      },
      raceLeaseMs: 30_000,
      shortLeaseMs: 2000,
      // The emulator serializes read-write transactions: give it room.
      timing: { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 500 },
      async outage() {
        // The emulator keeps everything in memory, so a restart would erase the lock table (and
        // the epochs): it is frozen with SIGSTOP instead, then resumed with SIGCONT.
        const server = await startSpanner({
          dir: scratch("outage-spanner"),
          ownerPid: process.pid,
        });
        return toggled({
          config: {
            type: "spanner",
            projectId: "highlander-outage",
            instanceId: "highlander-instance",
            databaseId: "highlander-db",
            emulatorHost: server.emulatorHost,
            createIfMissing: true,
          },
          how: "Spanner emulator frozen with SIGSTOP, resumed with SIGCONT",
          interrupt: async () => signal(server.pid, "SIGSTOP"),
          resume: async () => signal(server.pid, "SIGCONT"),
          close: async () => {
            signal(server.pid, "SIGCONT");
            await server.stop(2000);
          },
        });
      },
    },
  ];
}
