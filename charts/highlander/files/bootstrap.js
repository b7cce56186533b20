// Starts the bundled Highlander module IN this process, replacing Pepr's controller.js.
//
// Why: Pepr 1.1.4's controller.js runs as PID 1 and fork()s the module as a child process, so the
// SIGTERM that Kubernetes sends on a rollout or drain never reaches the module: it cannot stop its
// workloads and release its lock, and the next leader waits a whole lease duration. Run in-process,
// the module's own SIGTERM handler (stop, release, exit) runs. It also joins the module from several
// Secrets (Pepr's single Secret is limited to 1 MiB, our bundle is larger). The integrity check is
// controller.js's: the gzipped module's content must hash to the expected sha256. (controller.js also applies the
// PeprStore CRD at start; our manifests install it, so the operator needs no CRD permission.)
"use strict";
const { createHash, timingSafeEqual } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

const hash = process.env.HIGHLANDER_MODULE_HASH || "";
const loadDir = process.env.HIGHLANDER_MODULE_LOAD_DIR || "/app/load";
// The module must live beside /app/node_modules: it require()s pepr and its dependencies from there.
const runDir = process.env.HIGHLANDER_MODULE_RUN_DIR || "/app";

function fail(message) {
  process.stderr.write(
    `${JSON.stringify({ level: "fatal", name: "highlander-bootstrap", msg: message })}\n`,
  );
  process.exit(1);
}

if (!/^[0-9a-f]{64}$/.test(hash))
  fail(`HIGHLANDER_MODULE_HASH must be a sha256 hex digest, got "${hash}"`);

// The gzipped module, whole (Pepr's layout) or in parts module-<hash>.js.gz.000, .001, ... (one per
// Secret: Secrets hold at most 1 MiB).
function readModuleGz() {
  const whole = path.join(loadDir, `module-${hash}.js.gz`);
  if (fs.existsSync(whole)) return fs.readFileSync(whole);
  const prefix = `module-${hash}.js.gz.`;
  const parts = fs.existsSync(loadDir)
    ? fs
        .readdirSync(loadDir)
        .filter(f => f.startsWith(prefix) && /^[0-9]{3}$/.test(f.slice(prefix.length)))
    : [];
  if (parts.length === 0) fail(`no module-${hash}.js.gz or its parts in ${loadDir}`);
  parts.sort();
  parts.forEach((f, i) => {
    if (f !== `${prefix}${String(i).padStart(3, "0")}`)
      fail(`module part ${i} missing in ${loadDir}`);
  });
  return Buffer.concat(parts.map(f => fs.readFileSync(path.join(loadDir, f))));
}

const code = zlib.gunzipSync(readModuleGz());
const actual = createHash("sha256").update(code).digest("hex");
if (!timingSafeEqual(Buffer.from(hash, "hex"), Buffer.from(actual, "hex"))) {
  fail(`module hash mismatch: expected ${hash}, got ${actual}`);
}
const jsFile = path.join(runDir, `module-${hash}.js`);
fs.writeFileSync(jsFile, code);
require(jsFile);
