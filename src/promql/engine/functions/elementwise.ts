/**
 * Functions applied to each sample of an instant vector: math, clamping,
 * rounding, and the calendar functions, which read the value as seconds
 * since the epoch in UTC (the engine passes the step time when the call has
 * no argument).
 */
import type { ElementFunction } from "../types.js";

function unary(f: (v: number) => number): ElementFunction {
  return (v) => f(v);
}

/** -1, 1, or the value itself for 0, -0 and NaN. */
function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

/**
 * clamp(v, min, max); min > max drops every sample. Math.max/min propagate
 * NaN from either side, as Go's math.Max/Min do.
 */
const clamp: ElementFunction = (v, s) => {
  const min = s[0] as number;
  const max = s[1] as number;
  if (max < min) return undefined;
  return Math.max(min, Math.min(max, v));
};

const clampMin: ElementFunction = (v, s) => Math.max(s[0] as number, Math.min(Infinity, v));
const clampMax: ElementFunction = (v, s) => Math.max(-Infinity, Math.min(s[0] as number, v));

/**
 * Rounds to the nearest multiple of `to_nearest` (default 1), ties upward.
 * Multiplying by the inverse gives fewer float artefacts than dividing.
 */
const round: ElementFunction = (v, s) => {
  const toNearest = s.length > 0 ? (s[0] as number) : 1;
  const inverse = 1 / toNearest;
  return Math.floor(v * inverse + 0.5) / inverse;
};

/** UTC calendar fields of a Unix time in whole seconds (Go's time.Unix(int64(v), 0).UTC()). */
interface Civil {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly dayOfYear: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * Proleptic Gregorian date of day number `days` since 1970-01-01, by the
 * era-based algorithm (H. Hinnant, "chrono-compatible low-level date
 * algorithms"), exact for any integer day count JS holds exactly.
 */
function civil(seconds: number): Civil | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const secs = Math.trunc(seconds);
  const days = Math.floor(secs / 86400);
  const secOfDay = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const dayOfYear =
    (DAYS_BEFORE_MONTH[month - 1] as number) + day + (month > 2 && isLeap(year) ? 1 : 0);
  // 1970-01-01 was a Thursday (4).
  const weekday = (((days + 4) % 7) + 7) % 7;
  return {
    year,
    month,
    day,
    dayOfYear,
    weekday,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
  };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(c: Civil): number {
  return c.month === 2 && isLeap(c.year) ? 29 : (MONTH_DAYS[c.month - 1] as number);
}

/** A calendar function; a value that is no time at all (NaN, ±Inf) gives NaN. */
function date(field: (c: Civil) => number): ElementFunction {
  return (v) => {
    const c = civil(v);
    return c === undefined ? Number.NaN : field(c);
  };
}

export const ELEMENT_FUNCTIONS: ReadonlyMap<string, ElementFunction> = new Map<
  string,
  ElementFunction
>([
  ["abs", unary(Math.abs)],
  ["ceil", unary(Math.ceil)],
  ["floor", unary(Math.floor)],
  ["exp", unary(Math.exp)],
  ["sqrt", unary(Math.sqrt)],
  ["ln", unary(Math.log)],
  ["log2", unary(Math.log2)],
  ["log10", unary(Math.log10)],
  ["sgn", unary(sgn)],
  ["sin", unary(Math.sin)],
  ["cos", unary(Math.cos)],
  ["tan", unary(Math.tan)],
  ["asin", unary(Math.asin)],
  ["acos", unary(Math.acos)],
  ["atan", unary(Math.atan)],
  ["sinh", unary(Math.sinh)],
  ["cosh", unary(Math.cosh)],
  ["tanh", unary(Math.tanh)],
  ["asinh", unary(Math.asinh)],
  ["acosh", unary(Math.acosh)],
  ["atanh", unary(Math.atanh)],
  ["deg", unary((v) => (v * 180) / Math.PI)],
  ["rad", unary((v) => (v * Math.PI) / 180)],
  ["clamp", clamp],
  ["clamp_min", clampMin],
  ["clamp_max", clampMax],
  ["round", round],
  ["day_of_month", date((c) => c.day)],
  ["day_of_week", date((c) => c.weekday)],
  ["day_of_year", date((c) => c.dayOfYear)],
  ["days_in_month", date(daysInMonth)],
  ["hour", date((c) => c.hour)],
  ["minute", date((c) => c.minute)],
  ["month", date((c) => c.month)],
  ["year", date((c) => c.year)],
]);
