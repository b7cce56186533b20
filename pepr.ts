// Highlander's Pepr module: the entry point that `pepr build` bundles and the deployed watcher runs.
//
// Pepr runs this file's top level while building (PEPR_MODE=build), so the operator runtime —
// leader election, work queue, HTTP server — starts only when the module really runs.
// First: from here on every line Pepr logs is one of ours (capabilities/logging/pepr-bridge.ts).
import "./capabilities/logging/pepr-setup";
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { fatalExit } from "./capabilities/logging/pepr-bridge";
import { startOperator } from "./capabilities/runtime/operator";
import { isBuildMode, peprPort } from "./capabilities/runtime/pepr-env";

// deferStart: Pepr's HTTPS port is fixed at 3000 otherwise, and several local replicas need their own.
const module = new PeprModule(cfg, capabilities, { deferStart: true });

if (!isBuildMode()) {
  module.start(peprPort());
  startOperator().catch((err: unknown) =>
    fatalExit(
      err,
      `highlander failed to start: ${err instanceof Error ? err.message : String(err)}`,
    ),
  );
}
