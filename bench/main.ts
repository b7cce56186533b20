// `npm run bench -- <name> [args…]`: runs bench/<name>.ts, which prints its figures.
// Each benchmark module exports `run(args: string[]): Promise<void>`.
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(here)
    .filter(file => file.endsWith(".bench.ts"))
    .map(file => file.replace(/\.bench\.ts$/, ""));
  if (!name || !available.includes(name)) {
    throw new Error(
      `usage: npm run bench -- <${available.join("|") || "no benchmarks yet"}> [args]`,
    );
  }
  const mod = (await import(`./${name}.bench.ts`)) as { run(args: string[]): Promise<void> };
  await mod.run(args);
}

main().catch(err => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
