// Highlander's Pepr module: the entry point that `pepr build` bundles and the deployed watcher runs.
//
// Pepr runs this file's top level while building (PEPR_MODE=build), so the operator runtime —
// leader election, work queue, HTTP server — starts only when the module really runs.
import { PeprModule } from "pepr";
import cfg from "./package.json";
import { capabilities } from "./capabilities";
import { isBuildMode, startOperator } from "./capabilities/runtime/operator";

new PeprModule(cfg, capabilities);

if (!isBuildMode()) {
  void startOperator();
}
