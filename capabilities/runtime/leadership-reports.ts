// What leadership changes leave behind besides acting: a log line when who leads (or whether we do)
// changed, the cross-cluster transition counter, and, where the API server does not enforce the fence
// (Kubernetes before 1.30, or manifests/fence not installed), a Warning event per term on its
// HighlanderFence where users look (`kubectl describe hlfence <tenant>`).
import { countClusterTransition } from "../metrics";
import type { Logger } from "../logging";
import type { EventSink } from "./events";
import type { FencedElection } from "./fenced-election";

export function reportLeadershipChanges(election: FencedElection, events: EventSink, log: Logger) {
  const { leadership, lock, fence } = election;
  let warnedEpoch: number | undefined;
  const warnIfUnenforced = () => {
    const enforcement = election.enforcement();
    const epoch = leadership.fenceEpoch();
    if (enforcement.enforced !== false || epoch === undefined || warnedEpoch === epoch) return;
    warnedEpoch = epoch;
    void fence
      .read()
      .then(obj => {
        if (obj) return events.record(obj, "Warning", "FenceNotEnforced", enforcement.detail);
      })
      .catch(err => log.debug({ err }, "could not record the FenceNotEnforced event"));
  };
  void election.enforcementChecked.then(warnIfUnenforced);

  // Notified on every lock record change (renewals of a new term included); logged only when who
  // leads, or whether we do, changed.
  let lastLogged = "";
  let lastLeaderCluster: string | undefined;
  leadership.onChange(() => {
    const leader = lock.leader();
    if (leader) {
      countClusterTransition(lastLeaderCluster, leader.cluster);
      lastLeaderCluster = leader.cluster;
    }
    const isLeader = leadership.isLeader();
    const now = `${isLeader}|${leader?.id ?? ""}|${leader?.epoch ?? ""}`;
    if (now !== lastLogged) {
      lastLogged = now;
      log.info({ isLeader, leader }, "leadership changed");
    }
    warnIfUnenforced();
  });
}
