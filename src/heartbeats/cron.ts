import { ReddotError } from "../lib/errors.js";

/**
 * Cron schedules (5 fields, Vixie cron syntax) evaluated in an IANA time zone.
 *
 * Fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec,
 * day of week 0-7 or sun-sat (0 and 7 are Sunday). Each field is `*`, a value,
 * a range `a-b`, a step `*\/n` or `a-b/n` or `a/n`, or a comma list of those.
 * Macros: @hourly, @daily (@midnight), @weekly, @monthly, @yearly (@annually).
 * As in Vixie cron (man 5 crontab), when both day of month and day of week are
 * restricted (neither starts with `*`), a day matches if EITHER matches.
 * Quartz extensions (L, W, #, ?) and seconds fields are refused.
 *
 * Daylight-saving time: a wall-clock time that does not exist (spring forward)
 * is skipped that day; one that occurs twice (fall back) counts once, at its
 * first occurrence — as Vixie cron does for fixed-time jobs.
 */
export interface CronSchedule {
  readonly text: string;
  readonly timezone: string;
  /** The first scheduled instant strictly after `t` (ms), or undefined if none within 5 years. */
  next(t: number): number | undefined;
  /** The last scheduled instant at or before `t` (ms), or undefined if none within 5 years. */
  prev(t: number): number | undefined;
}

const MACROS: Record<string, string> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of names[0]. */
  readonly nameBase?: number;
}
const FIELDS: readonly FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: "day of week", min: 0, max: 7, names: DAYS, nameBase: 0 },
];

const MINUTE = 60_000;
const HORIZON = 5 * 366 * 24 * 60 * MINUTE;

function cronError(text: string, why: string): ReddotError {
  return new ReddotError("RD_BAD_CRON", 400, `invalid cron schedule "${text}": ${why}`);
}

function parseValue(raw: string, f: FieldSpec, text: string): number {
  const lower = raw.toLowerCase();
  if (f.names) {
    const i = f.names.indexOf(lower);
    if (i >= 0) return i + (f.nameBase ?? 0);
  }
  if (!/^\d{1,2}$/.test(raw)) {
    if (/[lw#?]/i.test(raw)) {
      throw cronError(
        text,
        `${f.name} "${raw}": L, W, # and ? (Quartz extensions) are not supported`,
      );
    }
    throw cronError(text, `${f.name} "${raw}" is not a number${f.names ? " or a name" : ""}`);
  }
  const v = Number(raw);
  if (v < f.min || v > f.max)
    throw cronError(text, `${f.name} ${v} is out of range ${f.min}-${f.max}`);
  return v;
}

/** Parses one field into the set of values it allows. */
function parseField(field: string, f: FieldSpec, text: string): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText, extra] = part.split("/");
    if (range === undefined || range === "" || extra !== undefined)
      throw cronError(text, `${f.name} "${part}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d{1,2}$/.test(stepText) || Number(stepText) === 0) {
        throw cronError(text, `${f.name} step "${stepText}" must be a positive number`);
      }
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = f.min;
      hi = f.max;
    } else if (range.includes("-")) {
      const [a, b, more] = range.split("-");
      if (a === undefined || b === undefined || more !== undefined)
        throw cronError(text, `${f.name} "${range}"`);
      lo = parseValue(a, f, text);
      hi = parseValue(b, f, text);
      if (hi < lo) throw cronError(text, `${f.name} range "${range}" runs backwards`);
    } else {
      lo = parseValue(range, f, text);
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

interface Local {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone name this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    // Intl throws RangeError for an unknown zone: that is the answer, not a failure.
    return false;
  }
}

function localFields(t: number, tz: string): Local {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(t)) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const year = p.year ?? 0;
  const month = p.month ?? 0;
  const day = p.day ?? 0;
  return {
    year,
    month,
    day,
    hour: p.hour ?? 0,
    minute: p.minute ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Parses a cron expression or macro for evaluation in `timezone` (default UTC). */
export function parseCron(text: string, timezone = "UTC"): CronSchedule {
  if (!isValidTimeZone(timezone)) throw cronError(text, `unknown time zone "${timezone}"`);
  const trimmed = text.trim();
  const expanded = trimmed.startsWith("@") ? MACROS[trimmed.toLowerCase()] : trimmed;
  if (expanded === undefined) {
    throw cronError(text, `unknown macro; known: ${Object.keys(MACROS).join(", ")}`);
  }
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    throw cronError(
      text,
      `want 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`,
    );
  }
  const sets = fields.map((field, i) => parseField(field, FIELDS[i] as FieldSpec, text));
  const [minutes, hours, doms, months, dows] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (dows.has(7)) dows.add(0);
  const domStar = (fields[2] ?? "").startsWith("*");
  const dowStar = (fields[4] ?? "").startsWith("*");

  const dayMatches = (l: Local): boolean => {
    if (!months.has(l.month)) return false;
    const dom = doms.has(l.day);
    const dow = dows.has(l.weekday);
    if (!domStar && !dowStar) return dom || dow;
    return dom && dow;
  };
  /** A local wall time seen one hour earlier too is the repeat of a fall-back hour. */
  const isRepeat = (t: number, l: Local): boolean => {
    const e = localFields(t - 60 * MINUTE, timezone);
    return e.day === l.day && e.hour === l.hour && e.minute === l.minute && e.month === l.month;
  };
  const matches = (t: number, l: Local): boolean =>
    dayMatches(l) && hours.has(l.hour) && minutes.has(l.minute) && !isRepeat(t, l);

  return {
    text,
    timezone,
    next(after) {
      let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
      const end = after + HORIZON;
      while (t <= end) {
        const l = localFields(t, timezone);
        if (!dayMatches(l)) t += ((23 - l.hour) * 60 + (60 - l.minute)) * MINUTE;
        else if (!hours.has(l.hour)) t += (60 - l.minute) * MINUTE;
        else if (!matches(t, l)) t += MINUTE;
        else return t;
      }
      return undefined;
    },
    prev(at) {
      let t = Math.floor(at / MINUTE) * MINUTE;
      const end = at - HORIZON;
      while (t >= end) {
        const l = localFields(t, timezone);
        if (!dayMatches(l)) t -= (l.hour * 60 + l.minute + 1) * MINUTE;
        else if (!hours.has(l.hour)) t -= (l.minute + 1) * MINUTE;
        else if (!matches(t, l)) t -= MINUTE;
        else return t;
      }
      return undefined;
    },
  };
}
