// Summary statistics for repeated measurements.
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** Half the distance between the 25th and 75th percentiles, relative to the median. */
  spread: number;
}

/** Linear-interpolated percentile (p in 0..100) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const iqr = percentile(sorted, 75) - percentile(sorted, 25);
  return {
    n: sorted.length,
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    spread: median === 0 ? 0 : iqr / 2 / Math.abs(median),
  };
}
