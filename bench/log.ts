/** Progress output of the benchmark, on stderr (stdout carries the table). */

/** Progress line on stderr, prefixed by the peer id. */
export function log(id: string, msg: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${id}: ${msg}`);
}

/** 1234567 → "1.23M": compact numbers for progress lines. */
export function fmt(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
