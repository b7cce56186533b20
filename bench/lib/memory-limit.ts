// Runs a process under a memory limit as a container would (`resources.limits.memory`): a cgroup of
// its own with that limit, joined before Node starts, so the kernel kills it beyond the limit and
// Node sizes V8's heap from the limit as it does in a pod (259 MiB of heap for 512 MiB, measured on
// this machine with Node 20). Linux with a writable memory cgroup (v1 or v2) only; the bench says so
// and stops otherwise.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface MemoryCgroup {
  /** The file a process writes its pid to, to join (before it starts: what it held stays outside). */
  procsFile: string;
  /** The largest memory use the kernel recorded, KiB (v1: max_usage_in_bytes; v2: memory.peak). */
  peakKiB(): number;
  /** How many times the kernel killed a process of it for memory. */
  oomKills(): number;
  remove(): void;
}

export function memoryCgroup(name: string, limitMiB: number): MemoryCgroup {
  const v1 = ownCgroupDir("memory", "/sys/fs/cgroup/memory");
  const v2 = v1 ? undefined : ownCgroupDir("", "/sys/fs/cgroup");
  const parent = v1 ?? v2;
  if (!parent) throw new Error("--memory-limit-mib needs a memory cgroup this user can write");
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  const bytes = String(limitMiB * 2 ** 20);
  writeFileSync(join(dir, v1 ? "memory.limit_in_bytes" : "memory.max"), bytes);
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return {
    procsFile: join(dir, "cgroup.procs"),
    peakKiB: () =>
      Math.round(Number(read(v1 ? "memory.max_usage_in_bytes" : "memory.peak").trim()) / 1024),
    oomKills: () =>
      Number(/^oom_kill (\d+)/m.exec(read(v1 ? "memory.oom_control" : "memory.events"))?.[1] ?? 0),
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // Still holds a process (it is being killed): the kernel frees it with the last one.
      }
    },
  };
}

/** This process's cgroup directory for `controller` ("" for v2), when it exists and is writable. */
function ownCgroupDir(controller: string, mount: string): string | undefined {
  const line = readFileSync("/proc/self/cgroup", "utf8")
    .split("\n")
    .map(l => l.split(":"))
    .find(([, controllers]) => (controllers ?? "").split(",").includes(controller));
  const dir = line ? join(mount, line[2] ?? "") : undefined;
  if (!dir || !existsSync(join(dir, "cgroup.procs"))) return undefined;
  try {
    const probe = join(dir, `highlander-probe-${process.pid}`);
    mkdirSync(probe);
    rmdirSync(probe);
    return dir;
  } catch {
    return undefined;
  }
}
