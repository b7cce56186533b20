// `npm run bench -- failover [--runs N] [--backends kubernetes,redis,db,spanner] [--profiles highlander,client-go]
//   [--outage-s S] [--no-outages] [--no-takeovers]`
//
// The whole operator, lock and fence together, as users run it: three operator processes (the built
// module, `startOperator`) of one tenant on the local control plane, for each lock backend and each
// timing profile side by side in one run:
// - crash: SIGKILL the leader; time from the signal to the next leader's "advanced the fence …: acting
//   as leader" log line (the moment it may write);
// - graceful: SIGTERM the leader (stop acting, release, exit); same measure;
// - outages: pause (SIGSTOP) the API server, then the lock store, for --outage-s seconds (60), resume,
//   and count leadership changes from the start of the outage until 15 s after it: terms that started
//   acting (a new "acting as leader" line) and terms that stopped (a "mode active -> …" line).
// Prints p50/p99 per backend, profile and mode, and the outage counts. Starts its own services and
// control plane. docs/benchmarks.md records runs.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../devenv/controlplane/cluster";
import { ensureModuleBuilt, prepareCluster } from "../devenv/lib/module";
import { startOperator, stopOperators, type OperatorProcess } from "../devenv/lib/operator";
import { sleep, waitFor } from "../devenv/lib/processes";
import { startAllServices, type AllServices } from "../devenv/services";
import { durationSummary } from "../devenv/lib/percentile";
import { readLog, started, type LogLine } from "./lib/operator-log";

type Profile = "highlander" | "client-go";
type Backend = "kubernetes" | "redis" | "db" | "spanner";

/** Environment of each profile: the operator's defaults, and client-go's settings (configuration.md). */
const PROFILES: Record<Profile, Record<string, string>> = {
  highlander: {},
  "client-go": {
    HIGHLANDER_LEASE_DURATION: "15s",
    HIGHLANDER_RENEW_DEADLINE: "10s",
    HIGHLANDER_RETRY_PERIOD: "2s",
    HIGHLANDER_RENEW_INTERVAL: "2s",
    HIGHLANDER_STEP_DOWN_AT_RENEW_DEADLINE: "true",
  },
};

interface Options {
  runs: number;
  backends: Backend[];
  profiles: Profile[];
  outageMs: number;
  outages: boolean;
  takeovers: boolean;
}

function parseArgs(args: string[]): Options {
  const opts: Options = {
    runs: 10,
    backends: ["kubernetes", "redis", "db", "spanner"],
    profiles: ["highlander", "client-go"],
    outageMs: 60_000,
    outages: true,
    takeovers: true,
  };
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1] ?? "";
    if (args[i] === "--no-outages" || args[i] === "--no-takeovers") {
      if (args[i] === "--no-outages") opts.outages = false;
      else opts.takeovers = false;
      continue;
    }
    if (args[i] === "--runs") opts.runs = Number.parseInt(value, 10);
    else if (args[i] === "--backends") opts.backends = value.split(",") as Backend[];
    else if (args[i] === "--profiles") opts.profiles = value.split(",") as Profile[];
    else if (args[i] === "--outage-s") opts.outageMs = Number(value) * 1000;
    else throw new Error(`unknown argument ${args[i]}`);
    i++;
  }
  if (!(opts.runs > 0)) throw new Error("--runs must be a positive integer");
  for (const p of opts.profiles) if (!(p in PROFILES)) throw new Error(`unknown profile ${p}`);
  return opts;
}

function log(line: string): void {
  process.stderr.write(`[failover] ${line}\n`);
}

/** A term that starts acting (a continuing one logs "still acting as leader"). */
const acting = (l: LogLine) =>
  l.msg.includes(": acting as leader") || l.msg.includes("still acting as leader");
const stopped = (l: LogLine) => l.msg.startsWith("mode active ->");

/** The operator whose latest transition is "acting as leader" (and is still running). */
function leaderOf(ops: OperatorProcess[]): OperatorProcess | undefined {
  return ops.find(op => {
    if (op.child.exitCode !== null || op.child.signalCode !== null) return false;
    const last = readLog(op)
      .filter(l => acting(l) || stopped(l))
      .at(-1);
    return last !== undefined && acting(last);
  });
}

interface Group {
  ops: OperatorProcess[];
  spawn(): Promise<OperatorProcess>;
}

async function startGroup(
  dir: string,
  kubeconfig: string,
  env: Record<string, string>,
  label: string,
): Promise<Group> {
  const tenant = `bench-${label}-${randomBytes(3).toString("hex")}`;
  let n = 0;
  const spawn = () =>
    startOperator({
      name: `${label}-${++n}`,
      kubeconfig,
      dir,
      env: { HIGHLANDER_TENANT: tenant, HIGHLANDER_LOG_LEVEL: "info", ...env },
    });
  const ops = [await spawn(), await spawn(), await spawn()];
  return { ops, spawn };
}

async function waitForLeader(ops: OperatorProcess[]): Promise<OperatorProcess> {
  return waitFor("a leader acting", () => leaderOf(ops), 120_000, 100);
}

/** Kill (or stop) the leader; the time until another operator acts, and its fence advance's share. */
async function takeoverOnce(
  group: Group,
  signal: "SIGKILL" | "SIGTERM",
): Promise<{ ms: number; fenceMs: number | undefined }> {
  const leader = await waitForLeader(group.ops);
  // Standbys that have looked at the lock a few times since they started.
  await sleep(2_000);
  const t0 = Date.now();
  leader.kill(signal);
  const others = group.ops.filter(op => op !== leader);
  const first = await waitFor(
    "another operator to act",
    () =>
      others
        .flatMap(op => readLog(op).filter(l => started(l) && l.at >= t0))
        .sort((a, b) => a.at - b.at)[0],
    120_000,
    50,
  );
  await leader.exited();
  group.ops.splice(group.ops.indexOf(leader), 1, await group.spawn());
  return { ms: first.at - t0, fenceMs: first.ms };
}

/** `pid` and every process below it (PostgreSQL's and the emulator's children are in sessions of their own). */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return all;
}

/** Pauses a process and everything below it for `ms` (SIGSTOP), then resumes them. */
async function pause(pid: number, ms: number): Promise<void> {
  const tree = processTree(pid);
  for (const p of tree) process.kill(p, "SIGSTOP");
  try {
    await sleep(ms);
  } finally {
    for (const p of tree) process.kill(p, "SIGCONT");
  }
}

/** Leadership changes while `outage` runs and for 15 s after it. */
async function changesDuring(group: Group, outage: () => Promise<void>): Promise<string> {
  await waitForLeader(group.ops);
  await sleep(2_000);
  const t0 = Date.now();
  await outage();
  await sleep(15_000);
  const lines = group.ops.flatMap(op => readLog(op).filter(l => l.at >= t0));
  const terms = lines.filter(started).length;
  const ended = lines.filter(stopped).length;
  return `${terms} new term(s) acting, ${ended} stop(s) of acting`;
}

/** The pid (process group) of this cluster's kube-apiserver. */
function apiserverPid(cluster: Cluster): number {
  const pid = cluster.pids["kube-apiserver"];
  if (!pid) throw new Error("no kube-apiserver pid");
  return pid;
}

export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  process.env.METADATA_SERVER_DETECTION = "none";
  const dir = mkdtempSync(join(tmpdir(), "highlander-failover-"));
  let services: AllServices | undefined;
  let cluster: Cluster | undefined;
  const results: string[] = [];
  const groups: Group[] = [];
  const report = (line: string) => {
    results.push(line);
    console.log(line);
  };
  // Ctrl-C: stop the operators too (the servers have watchdogs of their own).
  const interrupted = () => {
    void Promise.all(groups.map(g => stopOperators(...g.ops))).finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    ensureModuleBuilt();
    services = await startAllServices({ dir: join(dir, "services"), ownerPid: process.pid });
    cluster = await startCluster({
      dir: join(dir, "cluster"),
      ownerPid: process.pid,
      name: "failover bench",
    });
    prepareCluster(cluster.kubeconfig);
    const s = services;
    const env: Record<Backend, Record<string, string>> = {
      kubernetes: { HIGHLANDER_STORAGE_TYPE: "kubernetes", HIGHLANDER_LEASE_NAMESPACE: "default" },
      redis: {
        HIGHLANDER_STORAGE_TYPE: "redis",
        HIGHLANDER_REDIS_ADDR: s.redis.url.replace("redis://", ""),
      },
      db: { HIGHLANDER_STORAGE_TYPE: "db", HIGHLANDER_DATABASE_URL: s.postgres.url },
      spanner: {
        HIGHLANDER_STORAGE_TYPE: "spanner",
        HIGHLANDER_SPANNER_PROJECT_ID: "highlander-bench",
        SPANNER_EMULATOR_HOST: s.spanner.emulatorHost,
      },
    };
    const storePid: Record<Backend, number | undefined> = {
      kubernetes: undefined, // the Lease lives in the API server: its outage is the store's
      redis: s.redis.pid,
      db: s.postgres.pid,
      spanner: s.spanner.pid,
    };
    for (const backend of opts.backends) {
      for (const profile of opts.profiles) {
        const label = `${backend}-${profile}`;
        const group = await startGroup(
          join(dir, label),
          cluster.kubeconfig,
          { ...env[backend], ...PROFILES[profile] },
          label,
        );
        groups.push(group);
        for (const [mode, signal] of opts.takeovers
          ? ([
              ["crash (SIGKILL)", "SIGKILL"],
              ["graceful (SIGTERM)", "SIGTERM"],
            ] as const)
          : []) {
          const samples: number[] = [];
          const fence: number[] = [];
          for (let i = 0; i < opts.runs; i++) {
            const { ms, fenceMs } = await takeoverOnce(group, signal);
            samples.push(ms);
            if (fenceMs !== undefined) fence.push(fenceMs);
            log(
              `${label} ${mode} run ${i + 1}/${opts.runs}: ${ms} ms (fence ${fenceMs ?? "?"} ms)`,
            );
          }
          report(
            `${backend.padEnd(10)} ${profile.padEnd(10)} ${mode.padEnd(19)} ${durationSummary(samples)}; fence advance ${durationSummary(fence)}`,
          );
        }
        if (opts.outages) {
          const c = cluster;
          const apiserver = await changesDuring(group, () => pause(apiserverPid(c), opts.outageMs));
          report(
            `${backend.padEnd(10)} ${profile.padEnd(10)} ${`API server paused ${opts.outageMs / 1000} s`.padEnd(19)} ${apiserver}`,
          );
          const pid = storePid[backend];
          if (pid !== undefined) {
            const store = await changesDuring(group, () => pause(pid, opts.outageMs));
            report(
              `${backend.padEnd(10)} ${profile.padEnd(10)} ${`lock store paused ${opts.outageMs / 1000} s`.padEnd(19)} ${store}`,
            );
          }
        }
        await stopOperators(...group.ops);
        groups.pop();
      }
    }
  } finally {
    for (const g of groups) await stopOperators(...g.ops);
    await cluster?.stop();
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("\nfailover summary (signal → next leader acting; changes during outages)");
  for (const line of results) console.log(line);
}
