/*
 * Alertmanager time intervals (`time_intervals:` / `mute_time_intervals:`):
 * a named list of specs; a time is in the interval when any spec contains it.
 * A spec contains a time when every field it sets does (unset = any).
 */

/** An inclusive range of integers: weekdays (0 = Sunday), days of month (negative = from the end), months (1-12), years. */
export interface InclusiveRange {
  readonly begin: number;
  readonly end: number;
}

/** Minutes of the day, start inclusive, end exclusive (`09:00`-`17:00`). */
export interface TimeRange {
  readonly startMinute: number;
  readonly endMinute: number;
}

/** One entry of a time interval's list. Unset fields match any time. */
export interface TimeIntervalSpec {
  readonly times?: readonly TimeRange[];
  readonly weekdays?: readonly InclusiveRange[];
  readonly daysOfMonth?: readonly InclusiveRange[];
  readonly months?: readonly InclusiveRange[];
  readonly years?: readonly InclusiveRange[];
  /** IANA name (`Europe/Berlin`), `UTC` or `Local`; default UTC. */
  readonly location?: string;
}

/** A named time interval: the time is in it when any spec contains it. */
export interface NamedTimeInterval {
  readonly name: string;
  readonly timeIntervals: readonly TimeIntervalSpec[];
}

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

function splitRange(text: string): [string, string] {
  const parts = text.split(":");
  if (parts.length === 1) return [text, text];
  if (parts.length !== 2) throw new Error(`"${text}" is not a value or a range a:b`);
  return [parts[0] as string, parts[1] as string];
}

function named(text: string, names: readonly string[], base: number, what: string): number {
  const i = names.indexOf(text.trim().toLowerCase());
  if (i >= 0) return i + base;
  if (what === "month" && /^\d+$/.test(text.trim())) {
    const n = Number(text);
    if (n >= 1 && n <= 12) return n;
  }
  throw new Error(`"${text}" is not a ${what}`);
}

/* The parsers below throw plain Errors with a message; the config schema turns them into issues. */

/** `monday`, `monday:friday`. */
export function parseWeekdayRange(text: string): InclusiveRange {
  const [a, b] = splitRange(text);
  const begin = named(a, WEEKDAYS, 0, "weekday");
  const end = named(b, WEEKDAYS, 0, "weekday");
  if (begin > end) throw new Error(`start day ${a} is after end day ${b}`);
  return { begin, end };
}

/** `january`, `1:3`, `january:march`. */
export function parseMonthRange(text: string): InclusiveRange {
  const [a, b] = splitRange(text);
  const begin = named(a, MONTHS, 1, "month");
  const end = named(b, MONTHS, 1, "month");
  if (begin > end) throw new Error(`start month ${a} is after end month ${b}`);
  return { begin, end };
}

function int(text: string, what: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new Error(`"${text}" is not a ${what}`);
  return Number(text);
}

/** `1`, `1:5`, `-3:-1`, `1:-1`: days 1-31 or -31..-1 counted from the end of the month. */
export function parseDayOfMonthRange(text: string): InclusiveRange {
  const [a, b] = splitRange(text);
  const begin = int(a, "day of month");
  const end = int(b, "day of month");
  for (const d of [begin, end]) {
    if (d === 0 || d < -31 || d > 31) {
      throw new Error(`day of month ${d} is out of range; want 1 to 31 or -31 to -1`);
    }
  }
  if (Math.sign(begin) === Math.sign(end) && begin > end) {
    throw new Error(`start day ${begin} is after end day ${end}`);
  }
  return { begin, end };
}

/** `2024`, `2024:2026`. */
export function parseYearRange(text: string): InclusiveRange {
  const [a, b] = splitRange(text);
  const begin = int(a, "year");
  const end = int(b, "year");
  if (begin < 0 || end < 0) throw new Error("years cannot be negative");
  if (begin > end) throw new Error(`start year ${begin} is after end year ${end}`);
  return { begin, end };
}

/** `HH:MM` (00:00 to 24:00) as minutes of the day. */
export function parseClock(text: string): number {
  const m = /^(\d\d):(\d\d)$/.exec(text);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (m === null || h > 24 || min > 59 || (h === 24 && min !== 0)) {
    throw new Error(`"${text}" is not a time of day HH:MM from 00:00 to 24:00`);
  }
  return h * 60 + min;
}

/** Whether `location` is a time zone this runtime knows (`Local` and `UTC` always are). */
export function isKnownLocation(location: string): boolean {
  if (location === "Local" || location === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: location });
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(date: Date, location: string): WallClock {
  let f = formatters.get(location);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      ...(location === "Local" ? {} : { timeZone: location }),
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      weekday: "long",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(location, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(date)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS.indexOf((parts.weekday ?? "").toLowerCase()),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function inRanges(ranges: readonly InclusiveRange[] | undefined, v: number): boolean {
  return (
    ranges === undefined || ranges.length === 0 || ranges.some((r) => v >= r.begin && v <= r.end)
  );
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether the spec contains `date`, in the spec's location (default UTC), as Alertmanager's ContainsTime. */
export function specContains(spec: TimeIntervalSpec, date: Date): boolean {
  const t = wallClock(date, spec.location ?? "UTC");
  if (spec.times !== undefined && spec.times.length > 0) {
    if (!spec.times.some((r) => t.minute >= r.startMinute && t.minute < r.endMinute)) return false;
  }
  if (spec.daysOfMonth !== undefined && spec.daysOfMonth.length > 0) {
    const dim = daysInMonth(t.year, t.month);
    const hit = spec.daysOfMonth.some((r) => {
      const begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      let end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) return false;
      end = Math.min(end, dim);
      return t.day >= begin && t.day <= end;
    });
    if (!hit) return false;
  }
  return (
    inRanges(spec.weekdays, t.weekday) &&
    inRanges(spec.months, t.month) &&
    inRanges(spec.years, t.year)
  );
}

/** Whether any spec of the interval contains `date`. */
export function intervalContains(
  interval: NamedTimeInterval | readonly TimeIntervalSpec[],
  date: Date,
): boolean {
  const specs = "timeIntervals" in interval ? interval.timeIntervals : interval;
  return specs.some((s) => specContains(s, date));
}
