#!/usr/bin/env node
// The `highlander` command (also `kubectl-highlander`, so `kubectl highlander …` works as a plugin).
// Runs the CLI bundle dist/cli/highlander.cjs (scripts/build/cli-bundle.ts): a plain `node` start,
// where transpiling the TypeScript at run time cost seconds per call. The bundle is (re)built here
// when it is missing or older than any repository file it was built from, so `npx highlander` works
// in a fresh clone after `npm ci` and never runs stale code after an edit.
"use strict";
const { existsSync, readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const bundle = join(root, "dist/cli/highlander.cjs");
const inputs = join(root, "dist/cli/highlander.inputs.json");

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Infinity; // a vanished input: rebuild
  }
}

function stale() {
  if (![bundle, inputs, join(root, "dist/cli/kube-vendor.cjs")].every(f => existsSync(f)))
    return true;
  const built = mtime(bundle);
  const files = JSON.parse(readFileSync(inputs, "utf8"));
  return files.some(file => mtime(join(root, file)) > built);
}

function rebuild() {
  process.stderr.write("highlander: building the CLI bundle (dist/cli/highlander.cjs)…\n");
  const { spawnSync } = require("node:child_process");
  const r = spawnSync(
    process.execPath,
    [require.resolve("tsx/cli"), join(root, "scripts/build/cli-bundle.ts")],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  return r.status === 0;
}

// Without the sources (an install from a package), the shipped bundle is all there is.
if (existsSync(join(root, "cli/main.ts")) && stale() && !rebuild()) {
  process.stderr.write("highlander: could not build the CLI bundle\n");
  process.exit(1);
}
require(bundle)
  .main(process.argv.slice(2))
  .then(
    code => process.exit(code),
    err => {
      console.error(err);
      process.exit(1);
    },
  );
