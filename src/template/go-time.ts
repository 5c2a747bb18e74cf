/**
 * Go's time formatting: `Time.Format(layout)` with Go's reference-time
 * layouts ("2006-01-02 15:04:05") and `Duration.String()` ("1h2m3.5s").
 */

interface TimeLike {
  readonly ms: number;
  readonly offsetMin: number;
  readonly zone: string;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Layout elements, longest first where one is a prefix of another. */
const ELEMENTS = [
  "January",
  "Monday",
  "Jan",
  "Mon",
  "2006",
  "-07:00:00",
  "-0700",
  "-07:00",
  "-07",
  "Z07:00:00",
  "Z0700",
  "Z07:00",
  "Z07",
  "MST",
  "002",
  "__2",
  "_2",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "15",
  "PM",
  "pm",
  "1",
  "2",
  "3",
  "4",
  "5",
];

const p2 = (n: number) => String(n).padStart(2, "0");

function offsetText(offsetMin: number, el: string): string {
  if (el.startsWith("Z") && offsetMin === 0) return "Z";
  const sign = offsetMin < 0 ? "-" : "+";
  const a = Math.abs(offsetMin);
  const hh = p2(Math.floor(a / 60));
  const mm = p2(a % 60);
  const body = el.replace(/^Z/, "-");
  if (body === "-07") return `${sign}${hh}`;
  if (body === "-0700") return `${sign}${hh}${mm}`;
  if (body === "-07:00") return `${sign}${hh}:${mm}`;
  return `${sign}${hh}:${mm}:00`;
}

/** Go's `time.Time.Format`. */
export function formatGoTime(t: TimeLike, layout: string): string {
  const d = new Date(t.ms + t.offsetMin * 60_000);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const min = d.getUTCMinutes();
  const sec = d.getUTCSeconds();
  const nanos = (((t.ms % 1000) + 1000) % 1000) * 1_000_000;
  const start = Date.UTC(year, 0, 1);
  const yday = Math.floor((d.getTime() - start) / 86_400_000) + 1;
  let out = "";
  let i = 0;
  outer: while (i < layout.length) {
    // Fractional seconds: .000 / ,000 (fixed) and .999 / ,999 (trimmed).
    const frac = /^[.,](0+|9+)(?![0-9])/.exec(layout.slice(i));
    if (frac) {
      const n = Math.min(frac[1].length, 9);
      let digits = String(nanos).padStart(9, "0").slice(0, n);
      if (frac[1][0] === "9") {
        digits = digits.replace(/0+$/, "");
        if (digits) out += layout[i] + digits;
      } else out += layout[i] + digits;
      i += frac[0].length;
      continue;
    }
    for (const el of ELEMENTS) {
      if (!layout.startsWith(el, i)) continue;
      // "Jan" must not be the start of a longer word like "January" (handled by order); Mon/Monday likewise.
      let s: string;
      switch (el) {
        case "January":
          s = MONTHS[month];
          break;
        case "Jan":
          s = MONTHS[month].slice(0, 3);
          break;
        case "Monday":
          s = DAYS[d.getUTCDay()];
          break;
        case "Mon":
          s = DAYS[d.getUTCDay()].slice(0, 3);
          break;
        case "2006":
          s = String(year).padStart(4, "0");
          break;
        case "06":
          s = p2(year % 100);
          break;
        case "01":
          s = p2(month + 1);
          break;
        case "1":
          s = String(month + 1);
          break;
        case "02":
          s = p2(day);
          break;
        case "_2":
          s = String(day).padStart(2, " ");
          break;
        case "2":
          s = String(day);
          break;
        case "002":
          s = String(yday).padStart(3, "0");
          break;
        case "__2":
          s = String(yday).padStart(3, " ");
          break;
        case "15":
          s = p2(hour);
          break;
        case "03":
          s = p2(hour % 12 === 0 ? 12 : hour % 12);
          break;
        case "3":
          s = String(hour % 12 === 0 ? 12 : hour % 12);
          break;
        case "04":
          s = p2(min);
          break;
        case "4":
          s = String(min);
          break;
        case "05":
          s = p2(sec);
          break;
        case "5":
          s = String(sec);
          break;
        case "PM":
          s = hour >= 12 ? "PM" : "AM";
          break;
        case "pm":
          s = hour >= 12 ? "pm" : "am";
          break;
        case "MST":
          s = t.zone;
          break;
        default:
          s = offsetText(t.offsetMin, el);
      }
      out += s;
      i += el.length;
      continue outer;
    }
    out += layout[i];
    i++;
  }
  return out;
}

function fracText(v: bigint, unit: bigint): string {
  const whole = v / unit;
  const rem = v % unit;
  if (rem === 0n) return whole.toString();
  const width = unit.toString().length - 1;
  return `${whole}.${rem.toString().padStart(width, "0").replace(/0+$/, "")}`;
}

/** Go's `time.Duration.String()`: "0s", "1.5s", "2m0s", "1h2m3.5s", "500ms", "1.5µs", "100ns". */
export function goDurationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  const u = neg ? -ns : ns;
  let s: string;
  if (u < 1_000_000_000n) {
    if (u < 1000n) s = `${u}ns`;
    else if (u < 1_000_000n) s = `${fracText(u, 1000n)}µs`;
    else s = `${fracText(u, 1_000_000n)}ms`;
  } else {
    const h = u / 3_600_000_000_000n;
    const m = (u / 60_000_000_000n) % 60n;
    const secNs = u % 60_000_000_000n;
    s = `${fracText(secNs, 1_000_000_000n)}s`;
    if (h > 0n || m > 0n) s = `${m}m${s}`;
    if (h > 0n) s = `${h}h${s}`;
  }
  return neg ? `-${s}` : s;
}
