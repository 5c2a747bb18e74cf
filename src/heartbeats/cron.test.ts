import { describe, expect, it } from "vitest";
import { parseCron } from "./cron.js";

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
const at = (s: string) => Date.parse(s);

describe("parseCron next/prev (UTC)", () => {
  const cases: [string, string, string, string][] = [
    // expr, from, next, prev (at or before from)
    ["@daily", "2026-03-10T12:34:00Z", "2026-03-11T00:00:00.000Z", "2026-03-10T00:00:00.000Z"],
    ["@hourly", "2026-03-10T12:00:00Z", "2026-03-10T13:00:00.000Z", "2026-03-10T12:00:00.000Z"],
    [
      "*/15 * * * *",
      "2026-03-10T12:07:30Z",
      "2026-03-10T12:15:00.000Z",
      "2026-03-10T12:00:00.000Z",
    ],
    ["0 9 * * 1-5", "2026-03-13T10:00:00Z", "2026-03-16T09:00:00.000Z", "2026-03-13T09:00:00.000Z"], // Fri → Mon
    [
      "30 2 * * sun",
      "2026-03-10T00:00:00Z",
      "2026-03-15T02:30:00.000Z",
      "2026-03-08T02:30:00.000Z",
    ],
    [
      "0 0 1 jan,jul *",
      "2026-03-10T00:00:00Z",
      "2026-07-01T00:00:00.000Z",
      "2026-01-01T00:00:00.000Z",
    ],
    ["0 0 * * 7", "2026-03-10T00:00:00Z", "2026-03-15T00:00:00.000Z", "2026-03-08T00:00:00.000Z"], // 7 = Sunday
    [
      "5 4 1-10/3 * *",
      "2026-03-02T00:00:00Z",
      "2026-03-04T04:05:00.000Z",
      "2026-03-01T04:05:00.000Z",
    ],
    ["0 12 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00.000Z", "2024-02-29T12:00:00.000Z"],
    // Vixie: both restricted → either matches (the 13th OR a Friday).
    ["0 0 13 * 5", "2026-03-01T00:00:00Z", "2026-03-06T00:00:00.000Z", "2026-02-27T00:00:00.000Z"],
    // day-of-week `*`: only day-of-month counts.
    ["0 0 13 * *", "2026-03-01T00:00:00Z", "2026-03-13T00:00:00.000Z", "2026-02-13T00:00:00.000Z"],
  ];
  for (const [expr, from, next, prev] of cases) {
    it(`${expr} from ${from}`, () => {
      const c = parseCron(expr);
      expect(iso(c.next(at(from)))).toBe(next);
      expect(iso(c.prev(at(from)))).toBe(prev);
    });
  }

  it("returns undefined for a date that never comes", () => {
    expect(parseCron("0 0 30 2 *").next(at("2026-01-01T00:00:00Z"))).toBeUndefined();
  });
});

describe("parseCron in Europe/Berlin across DST", () => {
  const c = parseCron("30 2 * * *", "Europe/Berlin");
  it("skips 02:30 on the spring-forward day (the time does not exist)", () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST.
    expect(iso(c.next(at("2026-03-28T02:00:00Z")))).toBe("2026-03-30T00:30:00.000Z");
    expect(iso(c.prev(at("2026-03-29T23:00:00Z")))).toBe("2026-03-28T01:30:00.000Z");
  });
  it("counts 02:30 once on the fall-back day, at its first occurrence", () => {
    // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens at 00:30Z and 01:30Z.
    expect(iso(c.next(at("2026-10-24T12:00:00Z")))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(c.next(at("2026-10-25T00:30:00Z")))).toBe("2026-10-26T01:30:00.000Z");
    expect(iso(c.prev(at("2026-10-25T05:00:00Z")))).toBe("2026-10-25T00:30:00.000Z");
  });
  it("keeps midnight local in summer and winter", () => {
    const d = parseCron("@daily", "Europe/Berlin");
    expect(iso(d.next(at("2026-07-01T12:00:00Z")))).toBe("2026-07-01T22:00:00.000Z");
    expect(iso(d.next(at("2026-12-01T12:00:00Z")))).toBe("2026-12-01T23:00:00.000Z");
  });
  it("runs hourly jobs every real hour through fall back, without a repeat", () => {
    const h = parseCron("0 * * * *", "Europe/Berlin");
    // 02:00 CEST = 00:00Z; 02:00 CET (repeat) = 01:00Z is skipped; 03:00 CET = 02:00Z.
    expect(iso(h.next(at("2026-10-25T00:00:00Z")))).toBe("2026-10-25T02:00:00.000Z");
  });
});

describe("parseCron errors", () => {
  const bad: [string, string][] = [
    ["0 0 L * *", "L, W, # and ? (Quartz extensions) are not supported"],
    ["0 0 * * 5#3", "not supported"],
    ["* * * *", "want 5 fields"],
    ["0 0 0 * * *", "want 5 fields"],
    ["60 * * * *", "minute 60 is out of range 0-59"],
    ["*/0 * * * *", "step"],
    ["5-1 * * * *", "runs backwards"],
    ["@every5m", "unknown macro"],
    ["0 0 * foo *", 'month "foo" is not a number or a name'],
  ];
  for (const [expr, msg] of bad) {
    it(`refuses "${expr}"`, () => {
      expect(() => parseCron(expr)).toThrow(msg);
    });
  }
  it("refuses an unknown time zone", () => {
    expect(() => parseCron("@daily", "Mars/Olympus")).toThrow('unknown time zone "Mars/Olympus"');
  });
});
