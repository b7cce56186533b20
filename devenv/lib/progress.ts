// Progress of a long step (the control-plane build, `pepr build`) on stderr, with the time elapsed.
// On a terminal: one line redrawn in place, a spinner and the seconds so far. Otherwise (CI, a pipe,
// a log file): a line when the step starts, one every `everyMs` while it runs, and one at the end.

interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Non-terminal heartbeat period; default 15 s. */
  everyMs?: number;
  now?: () => number;
}

export interface Progress {
  /** Ends the step: "label done in 12.3 s" (plus `note`). */
  done(note?: string): void;
  /** Ends the step as failed; the caller reports the error. */
  fail(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

function seconds(ms: number, digits = 0): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

export function progress(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const started = now();
  const tty = stream.isTTY === true;
  let frame = 0;
  const draw = () =>
    stream.write(
      `\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label} (${seconds(now() - started)})`,
    );
  let timer: NodeJS.Timeout;
  if (tty) {
    draw();
    timer = setInterval(draw, 200);
  } else {
    stream.write(`[highlander] ${label} ...\n`);
    timer = setInterval(
      () =>
        stream.write(`[highlander] ${label}: still working, ${seconds(now() - started)} so far\n`),
      opts.everyMs ?? 15_000,
    );
  }
  timer.unref();
  let ended = false;
  const end = (text: string) => {
    if (ended) return;
    ended = true;
    clearInterval(timer);
    stream.write(tty ? `\r\x1b[K${text}\n` : `[highlander] ${text}\n`);
  };
  return {
    done: note => end(`${label} done in ${seconds(now() - started, 1)}${note ? ` (${note})` : ""}`),
    fail: () => end(`${label} failed after ${seconds(now() - started, 1)}`),
  };
}

/** Runs `work` as one step with progress output. */
export async function withProgress<T>(
  label: string,
  work: () => Promise<T>,
  opts?: ProgressOptions,
): Promise<T> {
  const p = progress(label, opts);
  try {
    const result = await work();
    p.done();
    return result;
  } catch (err) {
    p.fail();
    throw err;
  }
}
