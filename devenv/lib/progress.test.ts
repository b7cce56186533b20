import { afterEach, describe, expect, it, vi } from "vitest";
import { progress, withProgress } from "./progress";

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (t: string) => out.push(t) } };
}

describe("progress", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("without a terminal: a start line, a heartbeat per period with the time so far, an end line", () => {
    vi.useFakeTimers();
    let now = 0;
    const { out, s } = stream(false);
    const p = progress("pepr build", { stream: s, everyMs: 15_000, now: () => now });
    now = 15_000;
    vi.advanceTimersByTime(15_000);
    now = 30_000;
    vi.advanceTimersByTime(15_000);
    now = 31_200;
    p.done();
    vi.advanceTimersByTime(60_000);
    expect(out).toEqual([
      "[highlander] pepr build ...\n",
      "[highlander] pepr build: still working, 15 s so far\n",
      "[highlander] pepr build: still working, 30 s so far\n",
      "[highlander] pepr build done in 31.2 s\n",
    ]);
  });

  it("on a terminal: one line redrawn in place with the elapsed time, then the result", () => {
    vi.useFakeTimers();
    let now = 0;
    const { out, s } = stream(true);
    const p = progress("go build", { stream: s, now: () => now });
    now = 2_000;
    vi.advanceTimersByTime(200);
    p.fail();
    p.done(); // only the first end counts
    const ERASE = "\r\u001b[K";
    expect(out[0].startsWith(ERASE) && out[0].endsWith(" go build (0 s)")).toBe(true);
    expect(out[1].startsWith(ERASE) && out[1].endsWith(" go build (2 s)")).toBe(true);
    expect(out.slice(2)).toEqual(["\r\x1b[Kgo build failed after 2.0 s\n"]);
  });

  it("withProgress reports failure and passes the error on", async () => {
    const { out, s } = stream(false);
    await expect(
      withProgress("step", async () => Promise.reject(new Error("broke")), { stream: s }),
    ).rejects.toThrow("broke");
    expect(out[out.length - 1]).toMatch(/^\[highlander\] step failed after /);
    expect(await withProgress("ok", async () => 42, { stream: s })).toBe(42);
  });
});
