// kubectl without blocking the event loop: benchmarks keep sampling and watching meanwhile, and a
// test that waits long (a deletion with --wait) does not starve vitest's worker RPC, which times out
// after 60 s of a blocked event loop ("Timeout calling onTaskUpdate"). Also a parallel server-side
// apply of many objects split over a few kubectl processes. The chaos suite uses it too: its process
// also runs every replica's proxies.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * kubectl's stdout; rejects with its stderr, or when it runs past `timeoutMs` (0: no limit).
 * `onLine` sees each line of stdout as it comes (progress of a long apply).
 */
export function kubectlAsync(
  kubeconfig: string,
  args: string[],
  timeoutMs = 0,
  onLine?: () => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "kubectl",
      ["--kubeconfig", kubeconfig, ...args],
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kubectl ${args.join(" ")}: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
    if (onLine)
      child.stdout?.on("data", (chunk: Buffer | string) => {
        for (const c of chunk.toString()) if (c === "\n") onLine();
      });
  });
}

/**
 * Counts kubectl's output lines (one per object applied or deleted with `-o name`) and reports the
 * count every 10 s through `progress`, if given. `stop()` ends the reports.
 */
export function lineProgress(
  progress: ((message: string) => void) | undefined,
  describe: (lines: number) => string,
): { onLine: () => void; stop: () => void } {
  let lines = 0;
  const ticker = progress ? setInterval(() => progress(describe(lines)), 10_000) : undefined;
  return { onLine: () => (lines += 1), stop: () => clearInterval(ticker) };
}

/** Server-side apply of `objects`: `workers` kubectl processes, each with one List file in `dir`. */
export async function applyAll(
  kubeconfig: string,
  dir: string,
  objects: object[],
  workers: number,
  tag: string,
  progress?: (message: string) => void,
): Promise<void> {
  const counter = lineProgress(progress, n => `${tag}: ${n} of ${objects.length} applied`);
  const chunks: object[][] = Array.from({ length: workers }, () => []);
  objects.forEach((o, i) => chunks[i % workers]!.push(o));
  await Promise.all(
    chunks
      .filter(items => items.length > 0)
      .map((items, n) => {
        const file = join(dir, `${tag}-${n}.json`);
        writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
        return kubectlAsync(
          kubeconfig,
          ["apply", "--server-side", "--field-manager=bench", "-o", "name", "-f", file],
          0,
          counter.onLine,
        );
      }),
  ).finally(counter.stop);
}
