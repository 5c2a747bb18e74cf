import { ReddotError } from "../lib/errors.js";
import { parseSeriesSelector } from "../promql/index.js";
import type { Matcher } from "../storage/index.js";

/** Earliest and latest times the API accepts, ms (as Prometheus' min/max time, within 2^53). */
export const MIN_TIME = -9_007_199_254_740_000;
export const MAX_TIME = 9_007_199_254_740_000;

/** Request parameters merged from the query string and a form body; repeated keys kept. */
export type Params = Map<string, string[]>;

/** Collects parameters from the query string and (for POST) a urlencoded body. */
export function collectParams(query: unknown, body: unknown): Params {
  const out: Params = new Map();
  const add = (src: unknown) => {
    if (src === null || typeof src !== "object") return;
    if (src instanceof URLSearchParams) {
      for (const [k, v] of src) out.set(k, [...(out.get(k) ?? []), v]);
      return;
    }
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      const values = Array.isArray(v) ? v.map(String) : [String(v)];
      out.set(k, [...(out.get(k) ?? []), ...values]);
    }
  };
  add(query);
  add(body);
  return out;
}

/**
 * Parses a time parameter as Prometheus does: Unix seconds (fractions allowed)
 * or RFC 3339. Returns ms, or `fallback` when absent.
 */
export function parseTimeParam(params: Params, name: string, fallback: number): number {
  const raw = params.get(name)?.[0];
  if (raw === undefined || raw === "") return fallback;
  if (/^[+-]?\d+(\.\d+)?$/.test(raw)) {
    const ms = Math.round(Number(raw) * 1000);
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, MIN_TIME), MAX_TIME);
  }
  const date = Date.parse(raw);
  if (/^\d{4}-\d\d-\d\dT/.test(raw) && !Number.isNaN(date)) return date;
  throw new ReddotError(
    "RD_BAD_PARAM",
    400,
    `invalid parameter "${name}": cannot parse "${raw}" to a valid timestamp`,
  );
}

/** Parses every `match[]` parameter into matcher lists (empty when none given). */
export function parseMatchParams(params: Params, maxSelectors = 1000): Matcher[][] {
  const raw = params.get("match[]") ?? [];
  if (raw.length > maxSelectors) {
    throw new ReddotError(
      "RD_BAD_PARAM",
      400,
      `too many match[] selectors: ${raw.length}, want at most ${maxSelectors}`,
    );
  }
  return raw.map((s) => parseSeriesSelector(s));
}

/** Parses an optional non-negative integer `limit` parameter (0 = none). */
export function parseLimitParam(params: Params): number {
  const raw = params.get("limit")?.[0];
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new ReddotError(
      "RD_BAD_PARAM",
      400,
      `invalid parameter "limit": "${raw}" is not a non-negative integer`,
    );
  }
  return n;
}
