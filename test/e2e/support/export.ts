/** Reads series back from a running server with `/api/v1/export` (one JSON line per series). */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export async function exportSeries(url: string, match: string): Promise<ExportedSeries[]> {
  const r = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(match)}`);
  if (r.status !== 200) throw new Error(`export ${match}: HTTP ${r.status}: ${await r.text()}`);
  return (await r.text())
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as ExportedSeries);
}
