// Polling with a deadline and progress lines, for benchmarks that wait on a count.
import { sleep } from "../../devenv/lib/processes";

/** Polls `count()` every `everyMs` until `done(n)`, printing progress every 10 s; throws at `deadline`. */
export async function pollUntil(
  log: (line: string) => void,
  what: string,
  count: () => Promise<number>,
  done: (n: number) => boolean,
  deadline: number,
  everyMs = 1000,
): Promise<number> {
  let lastPrint = Date.now();
  for (;;) {
    const n = await count();
    if (done(n)) return n;
    if (Date.now() - lastPrint >= 10_000) {
      log(`${what}: ${n}`);
      lastPrint = Date.now();
    }
    if (Date.now() > deadline) throw new Error(`gave up: ${what} still ${n} at the time limit`);
    await sleep(everyMs);
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
