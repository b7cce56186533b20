// Global setup of the functions suite: the Spanner emulator (or the one `npm test` started) and
// the lease service bundle — the same artifact `npm run functions:deploy` uploads — built once.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startSpanner } from "../../devenv/services/spanner";
import { bundleLeaseService } from "../bundle";
import { BUNDLE_DIR } from "./harness";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  await bundleLeaseService(BUNDLE_DIR);
  const reuse = process.env.HIGHLANDER_TEST_SPANNER_EMULATOR_HOST;
  if (reuse) {
    project.provide("spannerEmulatorHost", reuse);
  } else {
    const dir = mkdtempSync(join(tmpdir(), "highlander-functions-"));
    const spanner = await startSpanner({ dir: join(dir, "spanner"), ownerPid: process.pid });
    stops.push(() => spanner.stop(2000));
    project.provide("spannerEmulatorHost", spanner.emulatorHost);
  }
  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
}
