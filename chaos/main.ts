// `npm run chaos -- [--backend kubernetes|redis|redis-aof|postgres|spanner|all] [--faults N]
// [--minutes M] [--seed S] [--only KIND,...]`: the fault-injection suite (docs/reliability.md).
// Exit status: 0 with no violations, 1 with violations, 2 when the suite itself failed.
import { cleanupAll } from "./cleanup";
import { parseOptions } from "./options";
import { failedReport, printReport, writeReport, type BackendReport } from "./report";
import { runBackend } from "./scenario";

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const reports: BackendReport[] = [];
  let failed = false;
  for (const backend of opts.backends) {
    try {
      reports.push(await runBackend(backend, opts));
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.stderr.write(`[chaos ${backend}] run failed: ${message}\n`);
      // Keep going with the other backends; the report names the one that broke.
      failed = true;
      reports.push(
        failedReport(backend, opts.seed, err instanceof Error ? err.message : String(err)),
      );
    } finally {
      await cleanupAll();
    }
  }
  const text = printReport(reports);
  const file = writeReport(opts.outDir, reports);
  console.log(
    `${text.split("\n").slice(0, -1).join("\n")}\nreport: ${file}\n${text.split("\n").slice(-1)[0]}`,
  );
  if (failed) return 2;
  return reports.some(r => r.violations.length > 0) ? 1 : 0;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`[chaos] ${signal}: stopping everything ...\n`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .then(code => process.exit(code))
  .catch(async (err: unknown) => {
    process.stderr.write(`[chaos] ${err instanceof Error ? err.message : String(err)}\n`);
    await cleanupAll();
    process.exit(2);
  });
