#!/usr/bin/env node
// The `highlander` command: runs cli/main.ts through tsx's loader, so the CLI is the same TypeScript
// the operator is built from.
"use strict";
const { register } = require("tsx/cjs/api");
register();
// Also tsx's ESM hooks, for dynamic import() (createLockStore loads its backends that way). This
// version of tsx's own esm/api register() looks for a file it does not ship, so register the hooks
// directly.
const { port1, port2 } = new (require("node:worker_threads").MessageChannel)();
port1.unref();
require("node:module").register("tsx/esm", {
  parentURL: require("node:url").pathToFileURL(__filename).href,
  data: { port: port2 },
  transferList: [port2],
});
const { main } = require("../cli/main.ts");
main(process.argv.slice(2)).then(
  code => process.exit(code),
  err => {
    console.error(err);
    process.exit(1);
  },
);
