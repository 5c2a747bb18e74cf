import { describe, expect, it } from "vitest";
import { ReddotError } from "../../lib/errors.js";
import { isOpenMetrics, parseExposition, type ScrapeEntry } from "./parse.js";

const OM = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const TEXT = "text/plain; version=0.0.4; charset=utf-8";

/** One entry as `{name="v",...} value [@ts]`, labels in their sorted order. */
function show(e: ScrapeEntry): string {
  const labels = e.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(",");
  const ts = e.timestamp === undefined ? "" : ` @${e.timestamp}`;
  return `{${labels}} ${Object.is(e.value, -0) ? "-0" : e.value}${ts}`;
}

function parse(text: string, contentType = TEXT): string[] {
  return parseExposition(text, contentType, 1_000).entries.map(show);
}

function failure(text: string, contentType = TEXT): string {
  try {
    parseExposition(text, contentType, 1_000);
  } catch (e) {
    expect(e).toBeInstanceOf(ReddotError);
    expect((e as ReddotError).code).toBe("RD_BAD_EXPOSITION");
    expect((e as ReddotError).status).toBe(400);
    return (e as ReddotError).message;
  }
  return expect.fail("parsed instead of failing");
}

describe("text format 0.0.4", () => {
  const cases: [string, string, string[]][] = [
    ["a bare sample", "up 1\n", ['{__name__="up"} 1']],
    [
      "labels are sorted, timestamps are ms",
      'http_requests_total{method="post",code="200"} 1027 1395066363000\n',
      ['{__name__="http_requests_total",code="200",method="post"} 1027 @1395066363000'],
    ],
    [
      "escapes in label values (format docs example)",
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n',
      [
        '{__name__="msdos_file_access_time_seconds",error="Cannot find file:\\n\\"FILE.TXT\\"",path="C:\\\\DIR\\\\FILE.TXT"} 1458255915',
      ],
    ],
    ["unknown escapes are kept", 'a{b="x\\ty"} 1\n', ['{__name__="a",b="x\\\\ty"} 1']],
    [
      "special values",
      "a NaN\nb +Inf\nc -Inf\nd Inf\ne -0\nf nan\ng inf\nh -Infinity\n",
      [
        '{__name__="a"} NaN',
        '{__name__="b"} Infinity',
        '{__name__="c"} -Infinity',
        '{__name__="d"} Infinity',
        '{__name__="e"} -0',
        '{__name__="f"} NaN',
        '{__name__="g"} Infinity',
        '{__name__="h"} -Infinity',
      ],
    ],
    [
      "number forms",
      "a 1e3\nb .5\nc 1.\nd +2\ne 0.1\nf 123456789012345678901\ng 1.7976931348623157e308\nh 5e-324\ni 0.000001\n",
      [
        '{__name__="a"} 1000',
        '{__name__="b"} 0.5',
        '{__name__="c"} 1',
        '{__name__="d"} 2',
        '{__name__="e"} 0.1',
        '{__name__="f"} 123456789012345680000',
        '{__name__="g"} 1.7976931348623157e+308',
        '{__name__="h"} 5e-324',
        '{__name__="i"} 0.000001',
      ],
    ],
    [
      "comments, blank lines, CRLF, no final newline",
      "# a comment\n\n#another\r\n  \nup 1\r\n# EOF\ndown 0",
      ['{__name__="up"} 1', '{__name__="down"} 0'],
    ],
    [
      "blanks and tabs around tokens",
      '  a \t{ b = "c" , d="e" }  \t 1   2  \n',
      ['{__name__="a",b="c",d="e"} 1 @2'],
    ],
    ["trailing comma", 'a{b="c",} 1\n', ['{__name__="a",b="c"} 1']],
    ["empty values are dropped", 'a{b="",c="d"} 1\n', ['{__name__="a",c="d"} 1']],
    ["empty label set", "a{} 1\n", ['{__name__="a"} 1']],
    [
      "quoted UTF-8 metric and label names",
      '{"my.metric", "my.label"="v", a="b"} 1\n{"другой"} 2\n',
      ['{__name__="my.metric",a="b",my.label="v"} 1', '{__name__="другой"} 2'],
    ],
    ["__name__ inside braces", '{__name__="x",a="b"} 1\n', ['{__name__="x",a="b"} 1']],
    [
      "special characters inside label values",
      'a{b="}{,#= \\"x\\"",c="日本"} 1\n',
      ['{__name__="a",b="}{,#= \\"x\\"",c="日本"} 1'],
    ],
    ["negative timestamp", "a 1 -5\n", ['{__name__="a"} 1 @-5']],
    [
      "histogram: le normalised after TYPE histogram",
      '# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="0.5"} 1\nh_bucket{le="1e6"} 2\nh_bucket{le="100000"} 2\nh_bucket{le="1e-05"} 2\nh_bucket{le="+Inf"} 3\nh_sum 4\nh_count 3\n',
      [
        '{__name__="h_bucket",le="1.0"} 0',
        '{__name__="h_bucket",le="0.5"} 1',
        '{__name__="h_bucket",le="1e+06"} 2',
        '{__name__="h_bucket",le="100000.0"} 2',
        '{__name__="h_bucket",le="1e-05"} 2',
        '{__name__="h_bucket",le="+Inf"} 3',
        '{__name__="h_sum"} 4',
        '{__name__="h_count"} 3',
      ],
    ],
    [
      "summary: quantile normalised after TYPE summary",
      '# TYPE s summary\ns{quantile="0"} 1\ns{quantile="1"} 2\ns{quantile="0.99"} 3\ns_sum 1\ns_count 2\n',
      [
        '{__name__="s",quantile="0.0"} 1',
        '{__name__="s",quantile="1.0"} 2',
        '{__name__="s",quantile="0.99"} 3',
        '{__name__="s_sum"} 1',
        '{__name__="s_count"} 2',
      ],
    ],
    [
      "le untouched without TYPE histogram",
      'x_bucket{le="1"} 1\n',
      ['{__name__="x_bucket",le="1"} 1'],
    ],
    ["_created kept in the text format", "a_created 1\n", ['{__name__="a_created"} 1']],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => expect(parse(text)).toEqual(want));
  }

  it("reads HELP and TYPE into metadata; UNIT is a comment here", () => {
    const { metadata } = parseExposition(
      '# HELP a Some \\\\ help\\nmore "quoted"\n# TYPE a counter\n# UNIT a seconds\n# HELP b\n# HELP "my.metric" Dotted.\na 1\n',
      undefined,
      0,
    );
    expect(metadata.get("a")).toEqual({
      type: "counter",
      help: 'Some \\ help\nmore "quoted"',
      unit: "",
    });
    expect(metadata.get("b")).toEqual({ type: "", help: "", unit: "" });
    expect(metadata.get("my.metric")?.help).toBe("Dotted.");
  });

  it("keys are the raw series text and labels are built once", () => {
    const { entries } = parseExposition(
      'node_cpu_seconds_total{cpu="0",mode="idle"} 1.5 1000\nup 1\n',
      TEXT,
      0,
    );
    expect(entries.map((e) => e.key)).toEqual([
      'node_cpu_seconds_total{cpu="0",mode="idle"}',
      "up",
    ]);
    expect(entries[0].labels).toBe(entries[0].labels);
  });

  const errors: [string, string, string][] = [
    ["no value", 'a{b="c"} \n', "line 1: found end of line as value, want a number"],
    [
      "value glued to the series",
      'a{b="c"}1\n',
      'line 1: found "1" after the series, want a blank and a value',
    ],
    ["unclosed label set", 'a{b="c" 1\n', 'line 1: found "1" after a label value, want "," or "}"'],
    ["unquoted value", "a{b=c} 1\n", 'line 1: found "c", want a quoted label value'],
    ["missing =", 'a{b "c"} 1\n', 'line 1: found "\\"" after a label name, want "="'],
    [
      "duplicate label",
      'a{b="c",b="d"} 1\n',
      'line 1: found label "b" twice, want unique label names',
    ],
    [
      "duplicate quoted label",
      'a{"b"="c",b="d"} 1\n',
      'line 1: found label "b" twice, want unique label names',
    ],
    ["bad value", "a xyz\n", 'line 1: found "xyz" as value, want a number'],
    ["hex value", "a 0x10\n", 'line 1: found "0x10" as value, want a number'],
    ["underscore value", "a 1_000\n", 'line 1: found "1_000" as value, want a number'],
    ["extra token", "a 1 2 3\n", 'line 1: found "3" at the end, want end of line'],
    [
      "float timestamp",
      "a 1 1.5\n",
      'line 1: found "1.5" as timestamp, want an integer timestamp in ms',
    ],
    ["bad metric name", "1a 1\n", 'line 1: found "1", want a metric name'],
    ["two names", 'a{"b"} 1\n', 'line 1: found a second metric name "b", want one name'],
    [
      "no name",
      '{a="b"} 1\n',
      'line 1: found no metric name, want a name before "{" or quoted inside',
    ],
    ["empty quoted name", '{""} 1\n', "line 1: found an empty metric name, want a non-empty name"],
    [
      "unterminated value",
      'a{b="c} 1\n',
      'line 1: found end of line inside a quoted string, want a closing "',
    ],
    [
      "exemplar in text format",
      'a 1 # {x="y"} 1\n',
      'line 1: found "# {x=\\"y\\"} 1" at the end, want end of line',
    ],
    [
      "unknown type",
      "# TYPE a gaugehistogram\n",
      'line 1: found type "gaugehistogram", want one of counter, gauge, histogram, summary, untyped',
    ],
    ["HELP without name", "# HELP \n", "line 1: found end of line after HELP, want a metric name"],
    [
      "line numbers count every line",
      "a 1\n\n# x\nb ?\n",
      'line 4: found "?" as value, want a number',
    ],
  ];
  for (const [name, text, want] of errors) {
    it(`refuses: ${name}`, () => expect(failure(text)).toBe(want));
  }
});

describe("OpenMetrics 1.0", () => {
  it("requires # EOF as the last line", () => {
    expect(failure("a 1\n", OM)).toBe('line 2: found end of input, want "# EOF" as the last line');
    expect(failure("# EOF\na 1\n", OM)).toBe(
      'line 2: found "a 1\\n" after # EOF, want end of input',
    );
    expect(failure("# EOF\n\n", OM)).toBe('line 2: found "\\n" after # EOF, want end of input');
    expect(parse("a 1\n# EOF\n", OM)).toEqual(['{__name__="a"} 1']);
    expect(parse("a 1\n# EOF", OM)).toEqual(['{__name__="a"} 1']);
  });

  it("reads timestamps as seconds into ms", () => {
    expect(parse("a 1 1520879607.789\nb 2 1520879607\nc 3 1.5e3\nd 4 0.0015\n# EOF\n", OM)).toEqual(
      [
        '{__name__="a"} 1 @1520879607789',
        '{__name__="b"} 2 @1520879607000',
        '{__name__="c"} 3 @1500000',
        '{__name__="d"} 4 @1',
      ],
    );
    expect(failure("a 1 NaN\n# EOF\n", OM)).toBe(
      'line 1: found "NaN" as timestamp, want a timestamp in seconds',
    );
  });

  it("skips exemplars", () => {
    const text = [
      "# TYPE foo histogram",
      'foo_bucket{le="0.01"} 0 # {trace_id="KOO5S4vxi0o"} 0.004 1520879607.789',
      'foo_bucket{le="+Inf"} 17 1520879607.789 # {trace_id="oHg5SJYRHA0"} 9.8',
      "foo_sum 324789.3",
      "foo_count 17",
      "# EOF",
      "",
    ].join("\n");
    expect(parse(text, OM)).toEqual([
      '{__name__="foo_bucket",le="0.01"} 0',
      '{__name__="foo_bucket",le="+Inf"} 17 @1520879607789',
      '{__name__="foo_sum"} 324789.3',
      '{__name__="foo_count"} 17',
    ]);
    expect(failure('a 1 # {x="y"}\n# EOF\n', OM)).toBe(
      'line 1: found "" as exemplar value, want a number',
    );
    expect(failure("a 1 # x\n# EOF\n", OM)).toBe(
      'line 1: found "x", want an exemplar label set "{...}"',
    );
  });

  it("skips _created series of counters, histograms and summaries only", () => {
    const text = [
      "# TYPE foo counter",
      "foo_total 17.0",
      "foo_created 1520430000.123",
      "# TYPE bar summary",
      'bar{quantile="0.5"} 1',
      "bar_created 1520430000",
      "# TYPE g gauge",
      "g_created 5",
      "# EOF",
    ].join("\n");
    expect(parse(text, OM)).toEqual([
      '{__name__="foo_total"} 17',
      '{__name__="bar",quantile="0.5"} 1',
      '{__name__="g_created"} 5',
    ]);
  });

  it('reads HELP (with \\" escapes), TYPE and UNIT', () => {
    const text = [
      '# HELP foo_seconds Time \\"spent\\".',
      "# TYPE foo_seconds gaugehistogram",
      "# UNIT foo_seconds seconds",
      "# TYPE s stateset",
      "# TYPE i info",
      "# EOF",
    ].join("\n");
    const { metadata } = parseExposition(text, OM, 0);
    expect(metadata.get("foo_seconds")).toEqual({
      type: "gaugehistogram",
      help: 'Time "spent".',
      unit: "seconds",
    });
    expect(metadata.get("s")?.type).toBe("stateset");
    expect(failure("# TYPE a untyped\n# EOF\n", OM)).toMatch(/^line 1: found type "untyped"/);
  });

  it("does not accept CRLF", () => {
    expect(failure("a 1\r\n# EOF\n", OM)).toBe('line 1: found "1\\r" as value, want a number');
  });

  it("accepts quoted names", () => {
    expect(parse('{"a.b", "c.d"="e"} 1\n# EOF\n', OM)).toEqual(['{__name__="a.b",c.d="e"} 1']);
  });
});

describe("isOpenMetrics", () => {
  it("matches the media type, ignoring case and parameters", () => {
    expect(isOpenMetrics(OM)).toBe(true);
    expect(isOpenMetrics("Application/OpenMetrics-Text")).toBe(true);
    expect(isOpenMetrics(TEXT)).toBe(false);
    expect(isOpenMetrics(undefined)).toBe(false);
    expect(isOpenMetrics("")).toBe(false);
  });
});
