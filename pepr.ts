// Highlander's Pepr module: the entry point that `pepr build` bundles and the deployed watcher runs.
//
// Pepr runs this file's top level while building (PEPR_MODE=build), so the operator runtime —
// leader election, work queue, HTTP server — starts only when the module really runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { isBuildMode, peprPort, startOperator } from "./capabilities/runtime/operator";

// deferStart: Pepr's HTTPS port is fixed at 3000 otherwise, and several local replicas need their own.
const module = new PeprModule(cfg, capabilities, { deferStart: true });

if (!isBuildMode()) {
  module.start(peprPort());
  startOperator().catch((err: unknown) => {
    const msg = `highlander failed to start: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`${JSON.stringify({ level: "fatal", name: "highlander", msg })}\n`);
    process.exit(1);
  });
}
