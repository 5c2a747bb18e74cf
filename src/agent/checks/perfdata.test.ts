import { describe, expect, it } from "vitest";
import { isNagiosRange, parsePerfdata } from "./perfdata.js";

describe("parsePerfdata", () => {
  it("parses the guidelines' items: value, unit, thresholds, min and max", () => {
    const p = parsePerfdata(
      "time=0.002722s;;;0.000000 size=604B;;;0 'disk usage'=45%;80;90;0;100 hits=12c",
    );
    expect(p).toEqual({
      items: [
        { label: "time", value: 0.002722, uom: "s", min: 0 },
        { label: "size", value: 604, uom: "B", min: 0 },
        { label: "disk usage", value: 45, uom: "%", warn: "80", crit: "90", min: 0, max: 100 },
        { label: "hits", value: 12, uom: "c" },
      ],
      malformed: 0,
      unknown: 0,
    });
  });

  it("knows every unit of the guidelines and passes others through", () => {
    const units = ["s", "ms", "us", "%", "B", "KB", "MB", "TB", "c", "", "KiB", "°C"];
    const p = parsePerfdata(units.map((u, i) => `m${i}=1${u}`).join(" "));
    expect(p.items.map((d) => d.uom)).toEqual(units);
  });

  it("unquotes labels: spaces, '' for a quote, and = inside quotes", () => {
    const p = parsePerfdata("'it''s a=b'=1 '/var/lib'=2MB;;;0;10");
    expect(p.items.map((d) => d.label)).toEqual(["it's a=b", "/var/lib"]);
    expect(p.items[1]).toEqual({ label: "/var/lib", value: 2, uom: "MB", min: 0, max: 10 });
  });

  it("keeps threshold ranges as written", () => {
    const p = parsePerfdata("a=1;10:;~:20;; b=2;@10:20;-5:5 c=3;0.5;1e3");
    expect(p.items.map((d) => [d.warn, d.crit])).toEqual([
      ["10:", "~:20"],
      ["@10:20", "-5:5"],
      ["0.5", "1e3"],
    ]);
    expect(p.malformed).toBe(0);
  });

  it("accepts negative, signed, fractional and exponent values", () => {
    const p = parsePerfdata("a=-1.5 b=+2 c=.5 d=1e-3s e=3.");
    expect(p.items.map((d) => d.value)).toEqual([-1.5, 2, 0.5, 0.001, 3]);
  });

  it("skips U values and counts them apart from malformed items", () => {
    const p = parsePerfdata("a=U;1;2 b=3");
    expect(p).toEqual({ items: [{ label: "b", value: 3, uom: "" }], malformed: 0, unknown: 1 });
  });

  it("skips and counts malformed items without throwing", () => {
    const bad = [
      "novalue",
      "=5",
      "a=",
      "a=abc",
      "a=1,5",
      "a=1;2;3;4;5;6",
      "a=1;x",
      "a=1;;;min",
      "'q'x=1",
      "it's=1",
      "a=NaN",
      "a=Infinity",
    ];
    const p = parsePerfdata([...bad, "ok=1"].join(" "));
    expect(p.items).toEqual([{ label: "ok", value: 1, uom: "" }]);
    expect(p.malformed).toBe(bad.length);
    expect(parsePerfdata("a=1 'unterminated=2")).toEqual({
      items: [{ label: "a", value: 1, uom: "" }],
      malformed: 1,
      unknown: 0,
    });
  });

  it("tolerates extra spaces, tabs and trailing semicolons", () => {
    const p = parsePerfdata("  load1=0.280;5.000;10.000;0;\tload5=0.650;4.000;8.000;0;  ");
    expect(p.items).toEqual([
      { label: "load1", value: 0.28, uom: "", warn: "5.000", crit: "10.000", min: 0 },
      { label: "load5", value: 0.65, uom: "", warn: "4.000", crit: "8.000", min: 0 },
    ]);
  });

  it("is empty for empty text", () => {
    expect(parsePerfdata("")).toEqual({ items: [], malformed: 0, unknown: 0 });
  });
});

describe("isNagiosRange", () => {
  it("accepts the guidelines' range forms and rejects others", () => {
    for (const r of ["10", "10:", "~:10", "10:20", "@10:20", "-1.5:2e3", "@~:5"])
      expect(isNagiosRange(r)).toBe(true);
    for (const r of ["", "@", "abc", "10:20:30", "10%", "1,5"])
      expect(isNagiosRange(r)).toBe(false);
  });
});
