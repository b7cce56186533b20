// Long work on the operator's one thread (a pass over every workload, a /metrics render at 10,000
// workloads) must let timers and sockets in between its parts, or the lock's renewals wait past the
// lease. setImmediate is taken at load, so tests that fake timers still get real turns.
const immediate: (callback: () => void) => void = setImmediate;

/** Resolves on the event loop's next turn, after pending I/O and timers have had theirs. */
export function nextTurn(): Promise<void> {
  return new Promise<void>(resolve => immediate(resolve));
}
