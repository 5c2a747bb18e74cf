import { describe, expect, it } from "vitest";
import {
  intervalContains,
  isKnownLocation,
  parseClock,
  parseDayOfMonthRange,
  parseMonthRange,
  parseWeekdayRange,
  parseYearRange,
  specContains,
} from "./time-intervals.js";

const at = (iso: string) => new Date(iso);

describe("range parsers", () => {
  it("parses ranges as Alertmanager writes them", () => {
    expect(parseWeekdayRange("monday:friday")).toEqual({ begin: 1, end: 5 });
    expect(parseWeekdayRange("Saturday")).toEqual({ begin: 6, end: 6 });
    expect(parseMonthRange("january:march")).toEqual({ begin: 1, end: 3 });
    expect(parseMonthRange("1:3")).toEqual({ begin: 1, end: 3 });
    expect(parseDayOfMonthRange("1:5")).toEqual({ begin: 1, end: 5 });
    expect(parseDayOfMonthRange("-3:-1")).toEqual({ begin: -3, end: -1 });
    expect(parseDayOfMonthRange("1:-1")).toEqual({ begin: 1, end: -1 });
    expect(parseYearRange("2024:2026")).toEqual({ begin: 2024, end: 2026 });
    expect(parseClock("09:00")).toBe(540);
    expect(parseClock("24:00")).toBe(1440);
  });

  it.each([
    [() => parseWeekdayRange("friday:monday"), "after end day"],
    [() => parseWeekdayRange("funday"), "not a weekday"],
    [() => parseMonthRange("march:january"), "after end month"],
    [() => parseDayOfMonthRange("0"), "out of range"],
    [() => parseDayOfMonthRange("32"), "out of range"],
    [() => parseDayOfMonthRange("5:1"), "after end day"],
    [() => parseYearRange("2026:2024"), "after end year"],
    [() => parseClock("25:00"), "not a time of day"],
    [() => parseClock("9:00"), "not a time of day"],
    [() => parseClock("24:01"), "not a time of day"],
  ])("refuses bad input %#", (f, why) => {
    expect(f).toThrow(why);
  });

  it("knows IANA locations, UTC and Local", () => {
    expect(isKnownLocation("Europe/Berlin")).toBe(true);
    expect(isKnownLocation("Local")).toBe(true);
    expect(isKnownLocation("Mars/Olympus")).toBe(false);
  });
});

describe("intervalContains", () => {
  const business = {
    times: [{ startMinute: 9 * 60, endMinute: 17 * 60 }],
    weekdays: [{ begin: 1, end: 5 }],
    location: "Europe/Berlin",
  };

  it("reads times in the interval's location, end exclusive", () => {
    // 2024-01-15 is a Monday; Berlin is UTC+1 in winter.
    expect(specContains(business, at("2024-01-15T08:00:00Z"))).toBe(true); // 09:00 Berlin
    expect(specContains(business, at("2024-01-15T07:59:00Z"))).toBe(false); // 08:59
    expect(specContains(business, at("2024-01-15T16:00:00Z"))).toBe(false); // 17:00: end exclusive
    expect(specContains(business, at("2024-01-13T10:00:00Z"))).toBe(false); // Saturday
  });

  it("follows daylight saving time changes", () => {
    // 2024-03-31 02:00 Berlin jumps to 03:00 (UTC+2). A Sunday.
    const night = { times: [{ startMinute: 60, endMinute: 180 }], location: "Europe/Berlin" };
    expect(specContains(night, at("2024-03-31T00:30:00Z"))).toBe(true); // 01:30 CET
    expect(specContains(night, at("2024-03-31T01:30:00Z"))).toBe(false); // 03:30 CEST
    // Summer: 09:00 Berlin is 07:00 UTC.
    expect(specContains(business, at("2024-07-01T07:00:00Z"))).toBe(true);
    expect(specContains(business, at("2024-07-01T15:00:00Z"))).toBe(false);
    // Without a location, UTC.
    expect(
      specContains({ times: [{ startMinute: 0, endMinute: 60 }] }, at("2024-07-01T00:30:00Z")),
    ).toBe(true);
  });

  it("counts negative days of month from the month's end", () => {
    const lastTwo = { daysOfMonth: [{ begin: -2, end: -1 }] };
    expect(specContains(lastTwo, at("2024-02-28T12:00:00Z"))).toBe(true); // leap year: 28, 29
    expect(specContains(lastTwo, at("2024-02-27T12:00:00Z"))).toBe(false);
    expect(specContains(lastTwo, at("2023-02-27T12:00:00Z"))).toBe(true); // 27, 28
    expect(specContains(lastTwo, at("2024-01-31T12:00:00Z"))).toBe(true);
    const firstToLast = { daysOfMonth: [{ begin: 1, end: -1 }] };
    expect(specContains(firstToLast, at("2024-04-30T12:00:00Z"))).toBe(true);
    // Day 31 does not exist in April: no match rather than spilling into May.
    expect(
      specContains({ daysOfMonth: [{ begin: 31, end: 31 }] }, at("2024-04-30T12:00:00Z")),
    ).toBe(false);
  });

  it("matches months, years, and any spec of the list", () => {
    const q1 = { months: [{ begin: 1, end: 3 }], years: [{ begin: 2024, end: 2026 }] };
    expect(specContains(q1, at("2025-02-10T00:00:00Z"))).toBe(true);
    expect(specContains(q1, at("2025-04-10T00:00:00Z"))).toBe(false);
    expect(specContains(q1, at("2027-02-10T00:00:00Z"))).toBe(false);
    const interval = { name: "x", timeIntervals: [q1, { weekdays: [{ begin: 6, end: 6 }] }] };
    expect(intervalContains(interval, at("2027-02-13T00:00:00Z"))).toBe(true); // a Saturday
    expect(
      intervalContains({ name: "always", timeIntervals: [{}] }, at("2027-02-13T00:00:00Z")),
    ).toBe(true);
    expect(intervalContains({ name: "never", timeIntervals: [] }, at("2027-02-13T00:00:00Z"))).toBe(
      false,
    );
  });
});
