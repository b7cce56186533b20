// Running a process under libfaketime (Debian `faketime`) with a clock that runs slow or fast.
//
// Measured here with Node 20: FAKETIME="+0 x0.5" makes Date.now(), performance.now() and timers run at
// half speed (a 1 s setTimeout takes 2 s of real time), "+0 x2" at double speed. The "+0" keeps the
// wall clock at the real time when the process starts, so only the rate differs; an absolute start
// ("@2026-12-02 10:00:00 x0.5") works too but shifts the wall clock. DONT_FAKE_MONOTONIC=1 would leave
// performance.now() alone; we want it faked, since the operator's lease clock is monotonic.
import { existsSync } from "node:fs";
import { ensureSystemPackages, TEST_PACKAGES } from "./system-packages";

export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/** Installs Debian's faketime when the library is missing (the project's own apt-get step). */
function ensureFaketime(): string {
  if (!existsSync(LIBFAKETIME)) {
    ensureSystemPackages(TEST_PACKAGES.filter(p => p.command === "faketime"));
  }
  if (!existsSync(LIBFAKETIME)) throw new Error(`libfaketime not found at ${LIBFAKETIME}`);
  return LIBFAKETIME;
}

/**
 * Environment variables that run a process's clocks at `rate` times real speed (0.5 = half speed).
 * Merge them into the child's env; LD_PRELOAD of the parent is kept after the library.
 */
export function faketimeEnv(
  rate: number,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (!(rate > 0)) throw new Error(`faketime rate must be > 0, got ${rate}`);
  const lib = ensureFaketime();
  const preload = base.LD_PRELOAD ? `${lib}:${base.LD_PRELOAD}` : lib;
  return { LD_PRELOAD: preload, FAKETIME: `+0 x${rate}` };
}
