import { parseDuration } from "../lib/duration.js";
import { isReddotError, ReddotError } from "../lib/errors.js";
import { parseSeriesSelector } from "../promql/index.js";
import type { Matcher } from "../storage/index.js";

/** Earliest and latest times the API accepts, ms (as Prometheus' min/max time, within 2^53). */
export const MIN_TIME = -9_007_199_254_740_000;
export const MAX_TIME = 9_007_199_254_740_000;

/** Request parameters merged from the query string and a form body; repeated keys kept. */
export type Params = Map<string, string[]>;

/**
 * Collects parameters from the query string and (for POST) a urlencoded body.
 * Body values come first, so a single-valued parameter given in both is the
 * body's, as Go's Request.FormValue (which Prometheus uses) decides.
 */
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
  add(body);
  add(query);
  return out;
}

/** How Prometheus writes its own earliest and latest times; clients send them back. */
const PROM_MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
const PROM_MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

/** A Go `strconv.ParseFloat`-style decimal number, exponent allowed. */
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a time as Prometheus' API does (web/api/v1 parseTime): Unix seconds
 * (fractions and exponents allowed, rounded to ms) or RFC 3339. Returns ms
 * clamped to [MIN_TIME, MAX_TIME], or undefined when `raw` is neither.
 */
export function parsePromTime(raw: string): number | undefined {
  if (FLOAT_RE.test(raw)) {
    const ms = Math.round(Number(raw) * 1000);
    if (!Number.isNaN(ms)) return Math.min(Math.max(ms, MIN_TIME), MAX_TIME);
  }
  if (raw === PROM_MIN_TIME_TEXT) return MIN_TIME;
  if (raw === PROM_MAX_TIME_TEXT) return MAX_TIME;
  const date = Date.parse(raw);
  if (/^\d{4}-\d\d-\d\dT/.test(raw) && !Number.isNaN(date)) return date;
  return undefined;
}

/**
 * An optional time parameter (Prometheus' parseTimeParam): ms, or `fallback`
 * when absent or empty; a bad value is a 400 with Prometheus' text.
 */
export function parseTimeParam(params: Params, name: string, fallback: number): number {
  const raw = params.get(name)?.[0];
  if (raw === undefined || raw === "") return fallback;
  const ms = parsePromTime(raw);
  if (ms !== undefined) return ms;
  throw badParam(
    name,
    `invalid time value for '${name}': cannot parse "${raw}" to a valid timestamp`,
  );
}

/** A required time parameter (query_range's start and end): absent is as bad as malformed. */
export function parseRequiredTimeParam(params: Params, name: string): number {
  const raw = params.get(name)?.[0] ?? "";
  const ms = parsePromTime(raw);
  if (ms !== undefined) return ms;
  throw badParam(name, `cannot parse "${raw}" to a valid timestamp`);
}

/**
 * Parses a duration as Prometheus' API does (web/api/v1 parseDuration): float
 * seconds or a duration such as `1m30s`. Returns ms (fractions of a ms
 * truncated, as Prometheus' engine does), or undefined when malformed.
 */
export function parsePromDuration(raw: string): number | undefined {
  if (FLOAT_RE.test(raw)) {
    const ms = Math.trunc(Number(raw) * 1000);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  if (raw === "") return undefined;
  try {
    return parseDuration(raw);
  } catch (e) {
    if (isReddotError(e)) return undefined;
    throw e;
  }
}

/** A duration parameter in ms, or undefined when absent; malformed is a 400 in Prometheus' words. */
export function parseDurationParam(params: Params, name: string): number | undefined {
  const raw = params.get(name)?.[0];
  if (raw === undefined || raw === "") return undefined;
  const ms = parsePromDuration(raw);
  if (ms !== undefined) return ms;
  throw badParam(name, `cannot parse "${raw}" to a valid duration`);
}

/** `invalid parameter "<name>": <why>`, Prometheus' wording for a bad parameter (400 bad_data). */
export function badParam(name: string, why: string): ReddotError {
  return new ReddotError("RD_BAD_PARAM", 400, `invalid parameter ${JSON.stringify(name)}: ${why}`);
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
