// Imported first by pepr.ts, before the capabilities (which make Pepr log while they are defined):
// Pepr's lines go through our logger, and uncaught errors end the process as one JSON line. Not while
// `pepr build` loads the module, which only bundles it.
import { Log } from "pepr";
import { bridgePeprLogger, installFatalHandlers } from "./pepr-bridge";

if (process.env.PEPR_MODE !== "build") {
  bridgePeprLogger(Log);
  installFatalHandlers();
}
