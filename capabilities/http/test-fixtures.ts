// A status snapshot for the HTTP unit tests, built fresh per call so tests can change it freely.
import type { StatusSnapshot } from "./source";

export function sampleSnapshot(): StatusSnapshot {
  return {
    instance: {
      id: "pod-a",
      tenant: "default",
      cluster: "primary",
      role: "leader",
      epoch: 7,
      leaderSince: "2025-01-01T10:00:00.000Z",
    },
    leader: {
      id: "pod-a",
      cluster: "primary",
      epoch: 7,
      renewedAt: "2025-01-01T10:05:00.000Z",
      expiresAt: "2025-01-01T10:05:15.000Z",
    },
    storage: {
      type: "db",
      address: "postgres://highlander:****@db:5432/locks",
      connected: true,
      lastError: null,
    },
    fence: { name: "default", epoch: 7, enforcedByApiServer: true, detail: "policy installed" },
    workloads: [
      {
        kind: "WorkloadProcess",
        namespace: "team-a",
        name: "worker",
        active: true,
        healthy: true,
        message: "running",
        children: [
          {
            kind: "Pod",
            name: "worker-abc",
            status: "Running",
            node: "node-1",
            createdAt: "2025-01-01T10:00:05.000Z",
          },
        ],
        lastError: null,
        conditions: [{ type: "Ready", status: "True", reason: "PodRunning" }],
      },
      {
        kind: "WorkloadService",
        namespace: "team-a",
        name: "api",
        active: true,
        healthy: false,
        message: "1/2 ready",
        children: [
          { kind: "Deployment", name: "api", status: "1/2 ready" },
          { kind: "Pod", name: "api-1", status: "Running" },
          { kind: "Pod", name: "api-2", status: "Pending" },
        ],
        lastError: "readiness probe failed",
        conditions: [],
      },
      {
        kind: "WorkloadCronJob",
        namespace: "team-b",
        name: "worker",
        active: false,
        healthy: true,
        message: "suspended",
        children: [],
        lastError: null,
        conditions: [],
      },
    ],
    events: [
      { at: "2025-01-01T09:00:00.000Z", type: "new-leader", id: "pod-b", epoch: 6, detail: "" },
      {
        at: "2025-01-01T10:00:00.000Z",
        type: "acquired",
        id: "pod-a",
        epoch: 7,
        detail: "lease of pod-b expired",
      },
      {
        at: "2025-01-01T09:59:59.000Z",
        type: "failover",
        id: "pod-a",
        epoch: 7,
        detail: "took 14s",
      },
    ],
    readiness: { watchesSynced: true, lostWatches: [], storageReachable: true, isLeader: true },
  };
}
