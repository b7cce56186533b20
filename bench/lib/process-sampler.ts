// Peak and current resident size and CPU time of one process, from /proc (Linux), sampled every
// 250 ms: the kernel's own peak (VmHWM) and the largest VmRSS seen.
import { readFileSync } from "node:fs";

const USER_HZ = 100;

export class ProcessSampler {
  peakHwmKiB = 0;
  peakRssKiB = 0;
  /** When the largest VmRSS was seen (ms since the epoch). */
  peakRssAt = 0;
  rssKiB = 0;
  cpuSeconds = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.sample();
    this.#timer = setInterval(() => this.sample(), 250);
    this.#timer.unref();
  }

  sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const kib = (field: string) =>
        Number.parseInt(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? "0", 10);
      this.rssKiB = kib("VmRSS");
      this.peakHwmKiB = Math.max(this.peakHwmKiB, kib("VmHWM"));
      if (this.rssKiB > this.peakRssKiB) {
        this.peakRssKiB = this.rssKiB;
        this.peakRssAt = Date.now();
      }
      // Fields after the command name (which may hold spaces): utime and stime are 14th and 15th.
      const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      this.cpuSeconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    } catch {
      // The process has exited; keep the last figures.
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sample();
  }
}

/** The summed CPU time of several processes (a local control plane's), each read now. */
export function cpuSecondsOf(samplers: readonly ProcessSampler[]): number {
  let sum = 0;
  for (const s of samplers) {
    s.sample();
    sum += s.cpuSeconds;
  }
  return sum;
}

export const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
