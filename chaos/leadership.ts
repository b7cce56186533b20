// Polls every replica's /api/status a few times a second. Used to aim faults at the leader and to
// measure takeover and leaderless time; the auditor uses it only as the fallback fence (when neither a
// HighlanderFence nor a Lease shows up in the audit log), because it is the operators' own word.
import type { Replica } from "./replica";
import { sleep } from "../devenv/lib/processes";

export interface LeaderSample {
  at: number;
  /** Replicas answering that they lead, with their epochs. */
  leaders: Array<{ name: string; epoch: number | null }>;
  responding: number;
}

export interface LeadershipObserver {
  samples: LeaderSample[];
  /** The single replica leading now, if exactly one says so. */
  leader(): { name: string; epoch: number | null } | undefined;
  /** Waits until one replica leads whose (name, epoch) differs from `before`; resolves its sample time. */
  waitForNewLeader(
    before: { name: string; epoch: number | null } | undefined,
    timeoutMs: number,
  ): Promise<{ name: string; epoch: number | null; at: number } | undefined>;
  stop(): Promise<void>;
}

/**
 * The new leader among those claiming to lead in one sample. With no previous leader, only a sole
 * claimant counts. Otherwise a replica other than `before`, or `before` in a new term, counts even while
 * `before` still claims its old term: under the API-server fence a leader whose requests are held
 * keeps its term past the renew deadline (its writes cannot land) until it learns of the next one, so
 * waiting for a sole claimant would time the hold, not the takeover.
 */
export function newLeaderIn(
  leaders: LeaderSample["leaders"],
  before: { name: string; epoch: number | null } | undefined,
): LeaderSample["leaders"][number] | undefined {
  if (!before) return leaders.length === 1 ? leaders[0] : undefined;
  const newer = leaders.filter(l => l.name !== before.name || l.epoch !== before.epoch);
  // Two new claimants at once (one of them soon to learn otherwise): the later term.
  return newer.sort((a, b) => (b.epoch ?? 0) - (a.epoch ?? 0))[0];
}

export function observeLeadership(replicas: Replica[], intervalMs = 250): LeadershipObserver {
  const samples: LeaderSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      const statuses = await Promise.all(replicas.map(async r => ({ r, s: await r.status(600) })));
      const leaders = statuses
        .filter(x => x.s?.role === "leader")
        .map(x => ({ name: x.r.name, epoch: x.s?.epoch ?? null }));
      samples.push({ at, leaders, responding: statuses.filter(x => x.s).length });
      // Bounded memory: a few hours of samples at most.
      if (samples.length > 100_000) samples.splice(0, 10_000);
      await sleep(Math.max(0, intervalMs - (Date.now() - at)));
    }
  })();
  const latest = () => samples[samples.length - 1];
  return {
    samples,
    leader() {
      const s = latest();
      return s && s.leaders.length === 1 ? s.leaders[0] : undefined;
    },
    async waitForNewLeader(before, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const seen = samples.length;
      while (Date.now() < deadline) {
        for (let i = seen; i < samples.length; i++) {
          const s = samples[i];
          const l = newLeaderIn(s.leaders, before);
          if (l) return { ...l, at: s.at };
        }
        await sleep(100);
      }
      return undefined;
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
