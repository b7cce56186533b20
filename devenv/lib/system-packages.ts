// Debian packages the test suites need, installed with apt-get when their command is missing, the way
// a fresh machine gets them from `npm test` alone (CI and a new developer's machine alike).
import { spawnSync } from "node:child_process";

export interface SystemPackage {
  /** The command that shows the package is there. */
  command: string;
  /** The Debian package that provides it. */
  pkg: string;
  /** What it is for, printed when it has to be installed. */
  why: string;
}

/** Everything `npm test` uses from Debian: browser tests, clock-skew tests, alert rule tests, Redis. */
export const TEST_PACKAGES: SystemPackage[] = [
  { command: "redis-server", pkg: "redis-server", why: "the Redis lock backend" },
  { command: "chromium", pkg: "chromium", why: "the dashboard tests (headless browser)" },
  { command: "faketime", pkg: "faketime", why: "the clock-skew fencing tests" },
  { command: "promtool", pkg: "prometheus", why: "the alert-rule unit tests" },
];

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Installs the missing ones in one apt-get run (printed); throws when any is still missing. */
export function ensureSystemPackages(packages: SystemPackage[]): void {
  const missing = packages.filter(p => !onPath(p.command));
  if (missing.length === 0) return;
  const names = [...new Set(missing.map(p => p.pkg))];
  for (const p of missing) {
    process.stderr.write(`[highlander] ${p.command} not found (${p.why}): installing ${p.pkg}\n`);
  }
  const cmd = `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${names.join(" ")}`;
  process.stderr.write(`[highlander] running \`${cmd}\`\n`);
  const started = Date.now();
  const result = spawnSync("sh", ["-c", cmd], { stdio: ["ignore", "inherit", "inherit"] });
  const still = missing.filter(p => !onPath(p.command));
  if (result.status !== 0 || still.length > 0) {
    throw new Error(
      `could not install ${still.map(p => p.pkg).join(", ") || names.join(", ")} with apt-get (see the output above; run as root or install them by hand)`,
    );
  }
  process.stderr.write(
    `[highlander] installed ${names.join(", ")} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
