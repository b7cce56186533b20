// Shared steps of the faults: find the leader to aim at, wait for a new term, pause or restart a replica.
import { sleep } from "../../devenv/lib/processes";
import type { Replica } from "../replica";
import type { FaultContext, FaultResult } from "./types";

/** The replica leading now (waits up to 30 s for exactly one). */
export async function leadingReplica(
  ctx: FaultContext,
): Promise<{ replica: Replica; epoch: number | null }> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const l = ctx.observer.leader();
    const replica = l && ctx.replicas.find(r => r.name === l.name);
    if (l && replica?.running()) return { replica, epoch: l.epoch };
    await sleep(200);
  }
  throw new Error("no single leader within 30 s");
}

/** Waits (bounded) for a new leadership term after `startedAt` and records the takeover time. */
export async function recordTakeover(
  ctx: FaultContext,
  result: FaultResult,
  before: { name: string; epoch: number | null },
  timeoutMs = 30_000,
): Promise<void> {
  const next = await ctx.observer.waitForNewLeader(before, timeoutMs);
  if (next) {
    result.takeoverMs = next.at - result.startedAt;
    result.notes.push(`new term: ${next.name} epoch ${next.epoch ?? "?"}`);
  } else {
    result.notes.push(`no new leader within ${timeoutMs} ms`);
  }
}

export async function restart(replica: Replica, env?: NodeJS.ProcessEnv): Promise<void> {
  if (replica.running()) await replica.stop();
  await replica.start(env);
}

/**
 * A spec change, then a short random wait, so the leader is in the middle of writing its children
 * when the fault hits (a fault on an idle leader proves little).
 */
export async function touchThenWait(ctx: FaultContext): Promise<void> {
  ctx.touchWorkloads();
  await sleep(ctx.rng.int(100, 600));
}

export function begin(kind: string, target: string): FaultResult {
  return { kind, target, startedAt: Date.now(), endedAt: 0, notes: [] };
}

/**
 * SIGSTOP of the replica's process group for `pauseMs`, then SIGCONT, with the workloads touched on
 * both sides so writes are in flight when it wakes; records a takeover (bounded by
 * `takeoverTimeoutMs`) and the `note` after the resume.
 */
export async function pauseFor(
  ctx: FaultContext,
  result: FaultResult,
  replica: Replica,
  epoch: number | null,
  pauseMs: number,
  takeoverTimeoutMs: number,
  note: string,
): Promise<void> {
  replica.signal("SIGSTOP");
  ctx.touchWorkloads();
  const takeover = recordTakeover(ctx, result, { name: replica.name, epoch }, takeoverTimeoutMs);
  await sleep(pauseMs);
  ctx.touchWorkloads();
  replica.signal("SIGCONT");
  result.notes.push(note);
  await takeover;
}
