/**
 * Human-readable rendering of a Prometheus query answer for `reddot query`:
 * instant vectors as a table (series, value, time), matrices as one block
 * per series, scalars and strings on one line.
 */

/** The `data` of a successful /api/v1/query(_range) answer. */
export type QueryData =
  | { resultType: "scalar" | "string"; result: [number, string] }
  | {
      resultType: "vector";
      result: { metric: Record<string, string>; value: [number, string] }[];
    }
  | {
      resultType: "matrix";
      result: { metric: Record<string, string>; values?: [number, string][] }[];
    };

/** Renders `data` as text lines (each ending in a newline); "" for an empty result. */
export function formatQueryData(data: QueryData): string {
  switch (data.resultType) {
    case "scalar":
    case "string":
      return `${data.resultType === "string" ? JSON.stringify(data.result[1]) : data.result[1]} @ ${formatTime(data.result[0])}\n`;
    case "vector": {
      const rows = data.result.map((s) => [
        formatMetric(s.metric),
        s.value[1],
        formatTime(s.value[0]),
      ]);
      return rows.length === 0 ? "" : table(["SERIES", "VALUE", "TIME"], rows);
    }
    case "matrix": {
      let out = "";
      for (const s of data.result) {
        if (out !== "") out += "\n";
        out += `${formatMetric(s.metric)}\n`;
        const points = s.values ?? [];
        const width = Math.max(0, ...points.map((p) => p[1].length));
        for (const [t, v] of points) out += `  ${v.padStart(width)}  @ ${formatTime(t)}\n`;
      }
      return out;
    }
  }
}

/** `name{a="b", c="d"}`, as Prometheus prints a series. */
export function formatMetric(metric: Record<string, string>): string {
  const name = metric.__name__ ?? "";
  const rest = Object.keys(metric)
    .filter((k) => k !== "__name__")
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`);
  if (rest.length === 0) return name === "" ? "{}" : name;
  return `${name}{${rest.join(", ")}}`;
}

/** Unix seconds as RFC 3339 with milliseconds (UTC). */
function formatTime(secs: number): string {
  const d = new Date(Math.round(secs * 1000));
  return Number.isNaN(d.getTime()) ? String(secs) : d.toISOString();
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
