// The nearest-rank percentile the benchmarks print (p50, p99 of a sorted sample).

/** `sorted` ascending; NaN for an empty sample. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}
