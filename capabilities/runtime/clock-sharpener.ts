// Narrows the estimate of the API server's clock before a deadline (a cron tick). The estimate comes
// from the Date headers of responses, which name whole seconds; an operator whose requests all fall
// at the same phase of the second (the lock's renewals, once a second) knows the offset only to
// within that second, and a tick waits for the estimate's lower end: `npm run bench -- scale` saw
// every Job of a tick go out 0.6 s late. A few probes, each timed to split what is left of the
// interval (ApiClock.probeAt), bring it to tens of ms. One probe per second at most (each waits for
// the server's next whole second), only when a deadline is near and the estimate is not yet sharp.

/** The most probes of one sharpening: 1,000 ms halves to under 30 ms in 6, with round trips 7 or 8. */
const MAX_PROBES = 8;

interface SharpenerOptions {
  /** When to send the next probe (our time, ms), or undefined when the estimate is sharp. */
  probeAt(): number | undefined;
  /** Our clock (ms), the one probeAt answers in. */
  localNow(): number;
  /** One cheap request whose answer the clock learns from; its failure only ends this sharpening. */
  probe(): Promise<unknown>;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, Math.max(0, ms)).unref());

/**
 * A function to call when a deadline comes near: starts a sharpening unless one is running; returns
 * the running sharpening's promise (tests wait on it).
 */
export function clockSharpener(opts: SharpenerOptions): () => Promise<void> {
  const sleep = opts.sleep ?? defaultSleep;
  let running: Promise<void> | undefined;
  const sharpen = async () => {
    for (let i = 0; i < MAX_PROBES; i++) {
      const at = opts.probeAt();
      if (at === undefined) return;
      await sleep(at - opts.localNow());
      try {
        await opts.probe();
      } catch {
        return;
      }
    }
  };
  return () => {
    running ??= sharpen().finally(() => (running = undefined));
    return running;
  };
}
