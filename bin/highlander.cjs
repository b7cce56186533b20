#!/usr/bin/env node
// The `highlander` command: runs cli/main.ts through tsx's loader, so the CLI is the same TypeScript
// the operator is built from.
"use strict";
const { register } = require("tsx/cjs/api");
register();
const { main } = require("../cli/main.ts");
main(process.argv.slice(2)).then(
  code => process.exit(code),
  err => {
    console.error(err);
    process.exit(1);
  },
);
