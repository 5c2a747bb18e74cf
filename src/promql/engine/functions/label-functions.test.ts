import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../../../storage/index.js";
import { formatGoG, formatOpenMetricsFloat, goQuote } from "../../go-format.js";
import type { VectorSample } from "../../values.js";
import { labelJoin, labelReplace } from "./label-functions.js";
import { naturalLess, sortByLabel, sortByLabelDesc } from "./sort-by-label.js";
import { contextFor } from "./test-window.js";

function sample(labels: Record<string, string>, v = 1, dropName?: boolean): VectorSample {
  return { labels: labelsFromRecord(labels), t: 0, v, dropName };
}

function replace(input: VectorSample[], dst: string, repl: string, src: string, re: string) {
  return labelReplace(
    { vectors: [input], scalars: [], strings: [dst, repl, src, re], t: 0 },
    contextFor(),
  );
}

describe("label_replace", () => {
  const input = [sample({ __name__: "m", src: "source-value-10", dst: "orig" })];

  it("replaces on a full match, with $n references", () => {
    const out = replace(input, "dst", "destination-value-$1", "src", "source-value-(.*)");
    expect(out[0]?.labels).toEqual(
      labelsFromRecord({ __name__: "m", src: "source-value-10", dst: "destination-value-10" }),
    );
  });

  it("leaves samples alone when the regex does not match the whole value", () => {
    expect(replace(input, "dst", "x-$1", "src", "value-(.*)")[0]?.labels).toEqual(input[0]?.labels);
  });

  it("matches a missing source label as the empty string", () => {
    expect(replace(input, "dst", "value-$1", "nope", "(.*)")[0]?.labels).toEqual(
      labelsFromRecord({ __name__: "m", src: "source-value-10", dst: "value-" }),
    );
  });

  it("deletes the label when the result is empty", () => {
    expect(replace(input, "dst", "", "dst", ".*")[0]?.labels).toEqual(
      labelsFromRecord({ __name__: "m", src: "source-value-10" }),
    );
  });

  it("expands templates as Go's regexp.Expand", () => {
    const s = [sample({ a: "foo-bar" })];
    const got = (repl: string) =>
      replace(s, "b", repl, "a", "(?P<x>\\w+)-(\\w+)")[0]?.labels.find((l) => l.name === "b")
        ?.value;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's ${1} reference, not a JS template.
    expect(got("${1}x")).toBe("foox");
    expect(got("$1x")).toBeUndefined(); // The group named "1x" does not exist: empty, so no label.
    expect(got("$x/$2")).toBe("foo/bar");
    expect(got("$$1")).toBe("$1");
    expect(got("a$")).toBe("a$");
    // An unclosed reference stays literal.
    expect(got("${x")).toBe("${x");
  });

  it("uses RE2 syntax where `.` also matches a newline", () => {
    const s = [sample({ a: "x\ny" })];
    expect(replace(s, "b", "$1", "a", "(.*)")[0]?.labels).toEqual(
      labelsFromRecord({ a: "x\ny", b: "x\ny" }),
    );
  });

  it("writing __name__ cancels a pending name drop; other writes keep it", () => {
    const dropped = [sample({ __name__: "m", a: "x" }, 1, true)];
    expect(replace(dropped, "__name__", "new", "a", ".*")[0]?.dropName).toBe(false);
    expect(replace(dropped, "b", "new", "a", ".*")[0]?.dropName).toBe(true);
  });

  it("fails on an invalid regex or destination name with Prometheus's texts", () => {
    expect(() => replace(input, "dst", "$1", "src", "(.*")).toThrow(
      "invalid regular expression in label_replace(): (.*",
    );
    expect(() => replace(input, "", "$1", "src", ".*")).toThrow(
      "invalid destination label name in label_replace(): ",
    );
    expect(() => replace(input, "\uFFFD", "$1", "src", ".*")).toThrow(
      "invalid destination label name",
    );
  });

  it("accepts UTF-8 label names (Prometheus 3)", () => {
    expect(
      replace(input, "a.b-c", "v", "src", ".*")[0]?.labels.some((l) => l.name === "a.b-c"),
    ).toBe(true);
  });
});

describe("label_join", () => {
  const join = (input: VectorSample[], strings: string[]) =>
    labelJoin({ vectors: [input], scalars: [], strings, t: 0 }, contextFor());

  it("joins source values in order, missing ones as empty", () => {
    const s = [sample({ a: "x", b: "y" })];
    expect(join(s, ["dst", "-", "a", "missing", "b"])[0]?.labels).toEqual(
      labelsFromRecord({ a: "x", b: "y", dst: "x--y" }),
    );
  });

  it("an empty result deletes the destination", () => {
    const s = [sample({ a: "x", dst: "old" })];
    expect(join(s, ["dst", ","])[0]?.labels).toEqual(labelsFromRecord({ a: "x" }));
  });

  it("rejects invalid source and destination names", () => {
    expect(() => join([], ["dst", ",", ""])).toThrow("invalid source label name in label_join(): ");
    expect(() => join([], ["", ","])).toThrow("invalid destination label name in label_join(): ");
  });
});

describe("natural sort (facette/natsort as pinned by Prometheus)", () => {
  it("orders numbers inside strings by value", () => {
    const values = ["a10", "a2", "a1", "b", "a"];
    expect(
      [...values].sort((x, y) => (naturalLess(x, y) ? -1 : naturalLess(y, x) ? 1 : 0)),
    ).toEqual(["a", "a1", "a2", "a10", "b"]);
  });

  it("a prefix sorts first; the empty string never sorts first", () => {
    expect(naturalLess("abc", "abcd")).toBe(true);
    expect(naturalLess("abcd", "abc")).toBe(false);
    expect(naturalLess("", "x")).toBe(false);
    expect(naturalLess("x", "")).toBe(false);
  });

  it("numbers beyond int64 compare as strings", () => {
    expect(naturalLess("99999999999999999999", "100000000000000000000")).toBe(false);
  });

  it("sort_by_label orders by the labels, then by the whole set", () => {
    const input = [
      sample({ i: "10", x: "a" }),
      sample({ i: "9", x: "b" }),
      sample({ i: "9", x: "a" }),
      sample({ i: "1", x: "c" }),
    ];
    const asc = sortByLabel({ vectors: [input], scalars: [], strings: ["i"], t: 5 }, contextFor());
    expect(asc.map((s) => s.labels)).toEqual([
      labelsFromRecord({ i: "1", x: "c" }),
      labelsFromRecord({ i: "9", x: "a" }),
      labelsFromRecord({ i: "9", x: "b" }),
      labelsFromRecord({ i: "10", x: "a" }),
    ]);
    expect(asc.every((s) => s.t === 5)).toBe(true);
    const desc = sortByLabelDesc(
      { vectors: [input], scalars: [], strings: ["i"], t: 5 },
      contextFor(),
    );
    expect(desc.map((s) => s.labels)).toEqual([
      labelsFromRecord({ i: "10", x: "a" }),
      labelsFromRecord({ i: "9", x: "b" }),
      labelsFromRecord({ i: "9", x: "a" }),
      labelsFromRecord({ i: "1", x: "c" }),
    ]);
  });
});

describe("Go float formatting", () => {
  it("%g: shortest digits, exponent from 1e21 or below 1e-4", () => {
    expect(formatGoG(2)).toBe("2");
    expect(formatGoG(-0.5)).toBe("-0.5");
    expect(formatGoG(123456)).toBe("123456");
    expect(formatGoG(1234567)).toBe("1.234567e+06");
    expect(formatGoG(1e21)).toBe("1e+21");
    expect(formatGoG(0.0001)).toBe("0.0001");
    expect(formatGoG(0.00001)).toBe("1e-05");
    expect(formatGoG(Number.POSITIVE_INFINITY)).toBe("+Inf");
    expect(formatGoG(Number.NEGATIVE_INFINITY)).toBe("-Inf");
    expect(formatGoG(Number.NaN)).toBe("NaN");
  });

  it("%.2g: two significant digits", () => {
    expect(formatGoG(4, 2)).toBe("4");
    expect(formatGoG(10, 2)).toBe("10");
    expect(formatGoG(100, 2)).toBe("1e+02");
    expect(formatGoG(1234, 2)).toBe("1.2e+03");
    expect(formatGoG(0.123, 2)).toBe("0.12");
  });

  it("OpenMetrics floats add .0 to integers", () => {
    expect(formatOpenMetricsFloat(0)).toBe("0.0");
    expect(formatOpenMetricsFloat(1)).toBe("1.0");
    expect(formatOpenMetricsFloat(0.25)).toBe("0.25");
    expect(formatOpenMetricsFloat(1e6)).toBe("1e+06");
    expect(formatOpenMetricsFloat(Number.NaN)).toBe("NaN");
  });

  it("%q escapes like strconv.Quote", () => {
    expect(goQuote('a"b\\c\nd\x01é')).toBe('"a\\"b\\\\c\\nd\\x01é"');
  });
});
