/** Edit distance (Levenshtein) between two short strings: insertions, deletions, substitutions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The known name closest to `name`, if it is close enough to be a typo: at most
 * a third of the longer name's characters differ (so `retension` → `retention`,
 * but `foo` suggests nothing). Ties go to the first candidate.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance && d <= Math.max(1, Math.floor(Math.max(name.length, c.length) / 3))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A hint for an unknown name: `did you mean "x"?`, else the list of known names. */
export function unknownNameHint(name: string, candidates: readonly string[]): string {
  const close = closestName(name, candidates);
  if (close !== undefined) return `did you mean "${close}"?`;
  return `known: ${candidates.join(", ")}`;
}
