/** Turns the query list into concrete API requests at the times of times.ts. */
import type { CompareQuery } from "./queries.js";
import { AT_OFFSET, apiTime, INSTANT_OFFSETS, RANGE_WINDOWS } from "./times.js";

export interface CompareRequest {
  readonly query: CompareQuery;
  /** The query text sent (with `AT` replaced). */
  readonly expr: string;
  readonly path: "query" | "query_range";
  readonly params: Record<string, string>;
  /** For messages: "instant @ +40m12.123s" or "range +55m0.123s..+70m0.123s step 14s". */
  readonly where: string;
}

/** `AT` (a whole word) becomes the fixed `@` timestamp. */
export function expandAt(q: string, dataStart: number): string {
  return q.replace(/\bAT\b/g, apiTime(dataStart + AT_OFFSET));
}

function rel(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const a = Math.abs(ms);
  return `${sign}${Math.floor(a / 60_000)}m${((a % 60_000) / 1000).toFixed(3)}s`;
}

/** Every request for one query: instant at each time, then range over each window. */
export function requestsFor(query: CompareQuery, dataStart: number): CompareRequest[] {
  const expr = expandAt(query.q, dataStart);
  const out: CompareRequest[] = INSTANT_OFFSETS.map((off) => ({
    query,
    expr,
    path: "query",
    params: { query: expr, time: apiTime(dataStart + off) },
    where: `instant @ ${rel(off)}`,
  }));
  if (query.instantOnly === true) return out;
  for (const w of RANGE_WINDOWS) {
    out.push({
      query,
      expr,
      path: "query_range",
      params: {
        query: expr,
        start: apiTime(dataStart + w.start),
        end: apiTime(dataStart + w.end),
        step: String(w.step / 1000),
      },
      where: `range ${rel(w.start)}..${rel(w.end)} step ${w.step / 1000}s`,
    });
  }
  return out;
}
