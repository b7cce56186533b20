// Builds the real control-plane binaries from the published Go modules, once per Kubernetes and Go
// version, into a cache outside the repository. Nothing is downloaded but Go modules.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../lib/processes";
import { progress } from "../lib/progress";

const here = dirname(fileURLToPath(import.meta.url));
const goModuleDir = join(here, "gomod");

/** The kwok release whose controller plays the kubelet for our fake node. */
const KWOK_VERSION = "v0.7.0";
/** helm, for the chart's render tests (`go install`ed like kwok; not a runtime dependency). */
const HELM_VERSION = "v3.19.5";

/** Tools installed with `go install`, keyed by binary name. */
const GO_TOOLS: Record<string, string> = {
  kwok: `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`,
  helm: `helm.sh/helm/v3/cmd/helm@${HELM_VERSION}`,
};

const BINARIES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
  "helm",
] as const;
type Binary = (typeof BINARIES)[number];

function kubernetesVersion(): string {
  const goMod = readFileSync(join(goModuleDir, "go.mod"), "utf8");
  const match = /^\s*k8s\.io\/kubernetes (v\d+\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!match) throw new Error(`cannot find the k8s.io/kubernetes version in ${goModuleDir}/go.mod`);
  return match[1];
}

function goBinary(): string {
  for (const candidate of ["go", "/usr/local/go/bin/go"]) {
    try {
      run(candidate, ["version"]);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    "The local control plane is built from Go modules, but no Go toolchain was found. " +
      "Install Go (>= 1.24) or point KUBECONFIG at an existing cluster.",
  );
}

function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-mod=mod" };
}

function cacheRoot(): string {
  return process.env.HIGHLANDER_CACHE_DIR ?? join(homedir(), ".cache", "highlander");
}

/** The folder holding the binaries for this Kubernetes version, Go version and kwok tag. */
function binDir(): string {
  const goVersion = run(goBinary(), ["env", "GOVERSION"]).trim();
  return join(cacheRoot(), `k8s-${kubernetesVersion()}-${goVersion}-kwok-${KWOK_VERSION}`, "bin");
}

function runLogged(label: string, command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // A spinner with the time so far on a terminal, else a line every 30 s (devenv/lib/progress.ts).
    const shown = progress(label, { everyMs: 30_000 });
    const child = spawn(command, args, { cwd, env: goEnv(), stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", err => {
      shown.fail();
      reject(err);
    });
    child.on("close", code => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        shown.done();
        resolve();
      } else {
        shown.fail();
        reject(
          new Error(`${label} failed (exit ${code}) after ${seconds} s:\n${stderr.slice(-4000)}`),
        );
      }
    });
  });
}

function versionLdflags(version: string): string {
  const [major, minor] = version.replace(/^v/, "").split(".");
  const vars = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: "clean" };
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap(pkg => Object.entries(vars).map(([key, value]) => `-X ${pkg}.${key}=${value}`))
    .join(" ");
}

/** `go install PKG@VERSION` into `bin`, outside any module. */
function goInstall(go: string, pkg: string, bin: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const label = `go install ${pkg}`;
    const started = Date.now();
    process.stderr.write(`[highlander] ${label} ...\n`);
    const child = spawn(go, ["install", "-trimpath", pkg], {
      cwd: cacheRoot(),
      env: { ...goEnv(), GOBIN: bin, GOFLAGS: "" },
      stdio: "inherit",
    });
    child.on("error", reject);
    child.on("close", code => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        process.stderr.write(`[highlander] ${label} done in ${seconds} s\n`);
        resolve();
      } else reject(new Error(`${label} failed (exit ${code}) after ${seconds} s`));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Holds `<dir>.lock` (a folder: mkdir is atomic) while building, so that two test runs started at
 * once (npm test beside a single suite) build once, the second waiting for the first; a lock left by
 * a process that died is taken over.
 */
export async function withBuildLock<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  const pidFile = join(lock, "pid");
  let announced = 0;
  for (;;) {
    try {
      mkdirSync(dirname(lock), { recursive: true });
      mkdirSync(lock);
      writeFileSync(pidFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : NaN);
      // No pid yet: the holder is between its mkdir and its write; wait like for a live one.
      if (Number.isInteger(holder) && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - announced > 30_000) {
        process.stderr.write(
          `[highlander] another process (pid ${holder}) is building the control plane; waiting\n`,
        );
        announced = Date.now();
      }
      await new Promise(done => setTimeout(done, 2000));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Returns the folder with every binary, building whatever is missing. */
export async function ensureBinaries(): Promise<string> {
  const dir = binDir();
  const missingNow = () => BINARIES.filter(name => !existsSync(join(dir, name)));
  if (missingNow().length === 0) return dir;
  return withBuildLock(dir, async () => {
    // Another process may have built them while this one waited for the lock.
    const missing = missingNow();
    if (missing.length > 0) await build(dir, missing);
    return dir;
  });
}

async function build(dir: string, missing: Binary[]): Promise<void> {
  const go = goBinary();
  const version = kubernetesVersion();
  process.stderr.write(
    `[highlander] building the local control plane (Kubernetes ${version}) into ${dir}; ` +
      "a cold build takes tens of minutes on 2 cores, later runs reuse it\n",
  );
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  if (missing.some(name => !(name in GO_TOOLS))) {
    await runLogged("go mod download", go, ["mod", "download"], goModuleDir);
    await runLogged(
      "go build etcd, kube-apiserver, kube-controller-manager, kube-scheduler",
      go,
      [
        "build", "-trimpath", "-tags", "selinux,notest", "-ldflags", versionLdflags(version),
        "-o", `${staging}/`,
        "k8s.io/kubernetes/cmd/kube-apiserver",
        "k8s.io/kubernetes/cmd/kube-controller-manager",
        "k8s.io/kubernetes/cmd/kube-scheduler",
        "./etcd",
      ],
      goModuleDir,
    ); // prettier-ignore
  }
  for (const name of missing.filter(n => n in GO_TOOLS)) {
    await goInstall(go, GO_TOOLS[name], staging);
  }
  mkdirSync(dir, { recursive: true });
  for (const name of missing) renameSync(join(staging, name), join(dir, name));
  rmSync(staging, { recursive: true, force: true });
}
