// What a candidate process (candidate/main.ts) is told on start, and the lines it prints back.
import type { LockStoreConfig } from "../factory";
import type { LeaseTiming } from "../timing";

export interface CandidateConfig {
  store: LockStoreConfig;
  key: string;
  identity: string;
  timing: LeaseTiming;
  /** Attempt a guarded write this often (and once right when leadership starts). */
  writeIntervalMs: number;
}

/** One JSON line on stdout per event; `at` is the child's Date.now() (same host as the parent). */
export type CandidateEvent =
  | { event: "ready"; identity: string; at: number }
  | { event: "leading"; epoch: number; at: number }
  | { event: "stopped-leading"; reason: string; at: number }
  | { event: "write"; epoch: number; at: number }
  | { event: "refused"; reason: string; at: number }
  | { event: "exiting"; at: number };

export const CANDIDATE_CONFIG_ENV = "HIGHLANDER_CANDIDATE_CONFIG";
