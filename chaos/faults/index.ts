// Every fault kind the suite knows, in the order of the issue.
import { freezeApiserver } from "./freeze-apiserver";
import { killLeader, termLeader } from "./signal-leader";
import { partitionStore } from "./partition-store";
import { pauseLeader } from "./pause-leader";
import { pauseStore } from "./pause-store";
import { restartApiserver } from "./restart-apiserver";
import { restartStore } from "./restart-store";
import { fastClock, slowClock } from "./skewed-clock";
import type { Fault } from "./types";

export const FAULTS: Fault[] = [
  killLeader,
  pauseLeader,
  termLeader,
  pauseStore,
  restartStore,
  partitionStore,
  freezeApiserver,
  slowClock,
  fastClock,
  restartApiserver,
];
