/** Small helpers shared by benchmarks. */
export const percentile = (sorted: number[], p: number): number => {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
};

/** The middle value, the mean of the two middle ones for an even count. */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const timed = async <T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
};

export const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

const results: string[] = [];
/** Collects a machine-readable figure, printed at the end by `flush()`. */
export const bench = (metric: string, value: number, unit: string) =>
  results.push(`BENCH ${metric} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
export const flush = () => {
  for (const r of results) console.log(r);
};
