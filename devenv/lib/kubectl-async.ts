// kubectl without blocking the event loop: benchmarks keep sampling and watching meanwhile, and a
// test that waits long (a deletion with --wait) does not starve vitest's worker RPC, which times out
// after 60 s of a blocked event loop ("Timeout calling onTaskUpdate"). Also a parallel server-side
// apply of many objects split over a few kubectl processes. The chaos suite uses it too: its process
// also runs every replica's proxies.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** kubectl's stdout; rejects with its stderr, or when it runs past `timeoutMs` (0: no limit). */
export function kubectlAsync(kubeconfig: string, args: string[], timeoutMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "kubectl",
      ["--kubeconfig", kubeconfig, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(" ")}: ${stderr || err.message}`));
        else resolve(stdout);
      },
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
