// `npm run bench -- lock-failover [--runs N] [--backends kubernetes,redis,db,spanner] [--modes kill,term]`
//
// For each backend: three real candidate processes (storage/candidate/main.ts) race for one lock
// with leaseDuration 5 s, renewDeadline 3 s, retryPeriod 0.5 s. Each run stops the current leader —
// SIGKILL (crash) or SIGTERM (graceful: stop acting, release, exit) — and measures the time from the
// signal to the first guarded write of the next leader, then starts a replacement candidate.
// Prints p50/p99/max per backend and mode. Starts its own services and control plane.
import { durationSummary } from "../devenv/lib/percentile";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { startAllServices, type AllServices } from "../devenv/services";
import { spawnCandidate, type CandidateProcess } from "../storage/candidate/spawn";
import type { LockStoreConfig } from "../storage/factory";
import type { LeaseTiming } from "../storage/timing";
import { lockKeyFor } from "../storage/types";

type Mode = "kill" | "term";
const TIMING: LeaseTiming = { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 500 };

interface Options {
  runs: number;
  backends: string[];
  modes: Mode[];
}

function parseArgs(args: string[]): Options {
  const opts: Options = {
    runs: 20,
    backends: ["kubernetes", "redis", "db", "spanner"],
    modes: ["kill", "term"],
  };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1] ?? "";
    if (args[i] === "--runs") opts.runs = Number.parseInt(value, 10);
    else if (args[i] === "--backends") opts.backends = value.split(",");
    else if (args[i] === "--modes") opts.modes = value.split(",") as Mode[];
    else continue;
    i++;
  }
  if (!(opts.runs > 0)) throw new Error("--runs must be a positive integer");
  return opts;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function log(line: string): void {
  process.stderr.write(`[lock-failover] ${line}\n`);
}

/** The candidate whose most recent leadership event says it leads. */
function currentLeader(candidates: CandidateProcess[]): CandidateProcess | undefined {
  return candidates.find(c => {
    const last = [...c.events]
      .reverse()
      .find(e => e.event === "leading" || e.event === "stopped-leading");
    return last?.event === "leading" && c.child.exitCode === null;
  });
}

async function measure(
  backend: string,
  store: LockStoreConfig,
  mode: Mode,
  runs: number,
): Promise<number[]> {
  const key = lockKeyFor(`bench-${backend}-${mode}-${randomBytes(3).toString("hex")}`);
  let n = 0;
  const spawnOne = () =>
    spawnCandidate(
      { store, key, identity: `bench-${++n}`, timing: TIMING, writeIntervalMs: 100 },
      { stderr: line => log(`${backend} candidate: ${line}`) },
    );
  const candidates = [spawnOne(), spawnOne(), spawnOne()];
  const samples: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      // A leader that has written, and standbys that are up and have seen its lease.
      const leader = await waitForLeader(candidates, 60_000);
      await Promise.all(candidates.map(c => c.next(e => e.event === "ready", 30_000)));
      await sleep(TIMING.retryPeriodMs * 3);
      const marks = new Map(candidates.map(c => [c, c.events.length]));
      const t0 = Date.now();
      leader.signal(mode === "kill" ? "SIGKILL" : "SIGTERM");
      const others = candidates.filter(c => c !== leader);
      const write = await Promise.any(
        others.map(c => c.next(e => e.event === "write" && e.at >= t0, 60_000, marks.get(c))),
      );
      samples.push(write.at - t0);
      log(`${backend} ${mode} run ${run + 1}/${runs}: ${write.at - t0} ms`);
      await leader.exited;
      candidates.splice(candidates.indexOf(leader), 1, spawnOne());
    }
  } finally {
    for (const c of candidates) c.signal("SIGKILL");
    await Promise.all(candidates.map(c => c.exited));
  }
  return samples;
}

async function waitForLeader(
  candidates: CandidateProcess[],
  timeoutMs: number,
): Promise<CandidateProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leader = currentLeader(candidates);
    if (leader && leader.events.some(e => e.event === "write")) return leader;
    if (Date.now() > deadline) throw new Error("no leader among the candidates");
    await sleep(50);
  }
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  process.env.METADATA_SERVER_DETECTION = "none";
  const dir = mkdtempSync(join(tmpdir(), "highlander-bench-"));
  let services: AllServices | undefined;
  let cluster: Cluster | undefined;
  const results: string[] = [];
  try {
    services = await startAllServices({ dir: join(dir, "services"), ownerPid: process.pid });
    if (opts.backends.includes("kubernetes")) {
      cluster = await startCluster({
        dir: join(dir, "cluster"),
        ownerPid: process.pid,
        name: "bench cluster",
      });
    }
    const configs: Record<string, LockStoreConfig> = {
      kubernetes: { type: "kubernetes", kubeconfig: cluster?.kubeconfig, namespace: "default" },
      redis: { type: "redis", url: services.redis.url },
      db: { type: "db", databaseUrl: services.postgres.url },
      spanner: {
        type: "spanner",
        projectId: "highlander-bench",
        instanceId: "highlander-instance",
        databaseId: "highlander-db",
        emulatorHost: services.spanner.emulatorHost,
        createIfMissing: true,
      },
    };
    log(
      `timing: leaseDuration ${TIMING.leaseDurationMs} ms, renewDeadline ${TIMING.renewDeadlineMs} ms, retryPeriod ${TIMING.retryPeriodMs} ms; ${opts.runs} runs each`,
    );
    for (const backend of opts.backends) {
      const store = configs[backend];
      if (!store) throw new Error(`unknown backend ${backend}`);
      for (const mode of opts.modes) {
        const samples = await measure(backend, store, mode, opts.runs);
        const label =
          mode === "kill"
            ? "SIGKILL → next leader's first write"
            : "SIGTERM → next leader's first write";
        const line = `${backend.padEnd(10)} ${label.padEnd(38)} ${durationSummary(samples)}`;
        results.push(line);
        console.log(line);
      }
    }
  } finally {
    await cluster?.stop();
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nlock failover summary");
  for (const line of results) console.log(line);
}
