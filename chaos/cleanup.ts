// Everything a run starts registers its stop here, so a normal end, an error and Ctrl-C all leave
// nothing running (the processes' watchdogs are the last line, if this process is SIGKILLed).
type Stop = () => Promise<void> | void;
const stack: Array<{ what: string; stop: Stop }> = [];

export function onCleanup(what: string, stop: Stop): void {
  stack.push({ what, stop });
}

/** Runs the registered stops, newest first, each bounded in time, and forgets them. */
export async function cleanupAll(): Promise<void> {
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    try {
      await Promise.race([
        Promise.resolve(item.stop()),
        new Promise(resolve => setTimeout(resolve, 20_000)),
      ]);
    } catch (err) {
      process.stderr.write(
        `[chaos] cleanup of ${item.what} failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
    }
  }
}
