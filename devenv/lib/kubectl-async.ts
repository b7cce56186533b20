// kubectl without blocking the event loop: benchmarks keep sampling and watching meanwhile, and a
// test that waits long (a deletion with --wait) does not starve vitest's worker RPC, which times out
// after 60 s of a blocked event loop ("Timeout calling onTaskUpdate"). Also a parallel server-side
// apply of many objects split over a few kubectl processes.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function kubectlAsync(kubeconfig: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", ["--kubeconfig", kubeconfig, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", code =>
      code === 0 ? resolve() : reject(new Error(`kubectl ${args[0]} exited ${code}: ${stderr}`)),
    );
  });
}

/** Server-side apply of `objects`: `workers` kubectl processes, each with one List file in `dir`. */
export async function applyAll(
  kubeconfig: string,
  dir: string,
  objects: object[],
  workers: number,
  tag: string,
): Promise<void> {
  const chunks: object[][] = Array.from({ length: workers }, () => []);
  objects.forEach((o, i) => chunks[i % workers]!.push(o));
  await Promise.all(
    chunks
      .filter(items => items.length > 0)
      .map((items, n) => {
        const file = join(dir, `${tag}-${n}.json`);
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
        return kubectlAsync(kubeconfig, [
          "apply",
          "--server-side",
          "--field-manager=bench",
          "-o",
          "name",
          "-f",
          file,
        ]);
      }),
  );
}
