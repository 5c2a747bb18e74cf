import { describe, expect, it } from "vitest";
import type { QueryResultSample } from "./alert.js";
import { checkAlertTemplate, expandAlertTemplate, expandGoTemplate } from "./alert.js";

const EXTERNAL_URL = "http://testhost:9090/path/prefix";

interface Scenario {
  text: string;
  output?: string;
  input?: unknown;
  queryResult?: QueryResultSample[];
  html?: boolean;
  errorMsg?: string;
}

const MAX_INT64 = 9223372036854775807n;
const MAX_UINT64 = 18446744073709551615n;

// Scenarios and expected texts from Prometheus's template/template_test.go (TestTemplateExpansion).
const scenarios: Scenario[] = [
  { text: "plain text", output: "plain text" },
  { text: "{{ 1 }}", output: "1" },
  {
    text: "{{\u00a0}}",
    errorMsg:
      "error parsing template test: template: test:1: unrecognized character in action: U+00A0",
  },
  { text: '{{ "<b>" }}', output: "&lt;b&gt;", html: true },
  { text: '{{ "<b>" | safeHtml }}', output: "<b>", html: true },
  { text: '{{ "<b>" }}', output: "<b>" },
  { text: '{{define "x"}}{{.arg0}} {{.arg1}}{{end}}{{template "x" (args 1 "2")}}', output: "1 2" },
  {
    text: '{{ query "1.5" | first | value }}',
    output: "1.5",
    queryResult: [{ labels: {}, value: 1.5 }],
  },
  {
    text: '{{ query "metric{instance=\'a\'}" | first | label "instance" }}',
    output: "a",
    queryResult: [{ labels: { __name__: "metric", instance: "a" }, value: 11 }],
  },
  {
    text: "{{ query \"metric{__value__='a'}\" | first | strvalue }}",
    output: "a",
    queryResult: [{ labels: { __name__: "metric", __value__: "a" }, value: 11 }],
  },
  {
    text: '{{ query "metric{instance=\'a\'}" | first | label "foo" }}',
    output: "",
    queryResult: [{ labels: { __name__: "metric", instance: "a" }, value: 11 }],
  },
  {
    text: '{{ range query "metric" | sortByLabel "instance" }}{{.Labels.instance}}:{{.Value}}: {{end}}',
    output: "a:11: b:21: ",
    queryResult: [
      { labels: { __name__: "metric", instance: "b" }, value: 21 },
      { labels: { __name__: "metric", instance: "a" }, value: 11 },
    ],
  },
  { text: '{{ "foo.example.com" | stripPort }}', output: "foo.example.com" },
  { text: '{{ "foo.example.com:12345" | stripPort }}', output: "foo.example.com" },
  { text: '{{ "192.0.2.1:12345" | stripPort }}', output: "192.0.2.1" },
  { text: '{{ "2001:0DB8::1" | stripPort }}', output: "2001:0DB8::1" },
  { text: '{{ "[2001:0DB8::1]:12345" | stripPort }}', output: "2001:0DB8::1" },
  { text: '{{ "[2001:0DB8::1]::12345" | stripPort }}', output: "[2001:0DB8::1]::12345" },
  { text: "{{ .Foo }}", output: "<no value>" },
  { text: "{{ .Foo }}", output: "", html: true },
  { text: "{{", errorMsg: "error parsing template test: template: test:1: unclosed action" },
  {
    text: '{{ query "missing" | first }}',
    queryResult: [],
    errorMsg:
      'error executing template test: template: test:1:21: executing "test" at <first>: error calling first: first() called on vector with no elements',
  },
  { text: '{{ reReplaceAll "(a)b" "x$1" "ab" }}', output: "xa" },
  {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    input: [0.0, 1.0, 1234567.0, 0.12],
    output: "0:1:1.235M:120m:",
  },
  {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    input: ["0.0", "1.0", "1234567.0", ".12"],
    output: "0:1:1.235M:120m:",
  },
  {
    text: '{{ humanize "one" }}',
    errorMsg:
      'error executing template test: template: test:1:3: executing "test" at <humanize "one">: error calling humanize: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: "0:-1:1:1.235M:9.223E:",
  },
  {
    text: "{{ range . }}{{ humanize . }}:{{ end }}",
    input: [0n, 1n, 1234567n, MAX_UINT64],
    output: "0:1:1.235M:18.45E:",
  },
  {
    text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
    input: [0.0, 1.0, 1048576.0, 0.12],
    output: "0:1:1Mi:0.12:",
  },
  {
    text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: "0:-1:1:1.177Mi:8Ei:",
  },
  {
    text: "{{ range . }}{{ humanize1024 . }}:{{ end }}",
    input: [0n, 1n, 1234567n, MAX_UINT64],
    output: "0:1:1.177Mi:16Ei:",
  },
  {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    input: [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
    output: "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
  },
  {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    input: [0.1, 0.0001, 0.12345, 60.1, 60.5, 1.2345, 12.345],
    output: "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
  },
  {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    input: [".1", ".0001", ".12345", "60.1", "60.5", "1.2345", "12.345"],
    output: "100ms:100us:123.5ms:1m 0s:1m 0s:1.234s:12.35s:",
  },
  {
    text: "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
    input: [0n, -1n, 1n, 1234567n],
    output: "0s:-1s:1s:14d 6h 56m 7s:",
  },
  {
    text: "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
    input: [Infinity, -Infinity, Number.NaN],
    output: "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
  },
  {
    text: "{{ range . }}{{ humanize . }}:{{ humanize1024 . }}:{{ humanizeDuration . }}:{{humanizeTimestamp .}}:{{ end }}",
    input: ["+Inf", "-Inf", "NaN"],
    output: "+Inf:+Inf:+Inf:+Inf:-Inf:-Inf:-Inf:-Inf:NaN:NaN:NaN:NaN:",
  },
  {
    text: "{{ -0.22222 | humanizePercentage }}:{{ 0.0 | humanizePercentage }}:{{ 0.1234567 | humanizePercentage }}:{{ 1.23456 | humanizePercentage }}",
    output: "-22.22%:0%:12.35%:123.5%",
  },
  {
    text: "{{ range . }}{{ humanizePercentage . }}:{{ end }}",
    input: [0n, -1n, 1n, 1234567n, MAX_INT64],
    output: "0%:-100%:100%:1.235e+08%:9.223e+20%:",
  },
  {
    text: '{{ "one" | humanizePercentage }}',
    errorMsg:
      'error executing template test: template: test:1:11: executing "test" at <humanizePercentage>: error calling humanizePercentage: strconv.ParseFloat: parsing "one": invalid syntax',
  },
  {
    text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
    input: [0n, -1n, 1n, 1234567n, 9223372036n],
    output:
      "1970-01-01 00:00:00 +0000 UTC:1969-12-31 23:59:59 +0000 UTC:1970-01-01 00:00:01 +0000 UTC:1970-01-15 06:56:07 +0000 UTC:2262-04-11 23:47:16 +0000 UTC:",
  },
  {
    text: "{{ range . }}{{ humanizeTimestamp . }}:{{ end }}",
    input: [-9223372036854775808n, MAX_INT64],
    errorMsg:
      'error executing template test: template: test:1:16: executing "test" at <humanizeTimestamp .>: error calling humanizeTimestamp: -9.223372036854776e+18 cannot be represented as a nanoseconds timestamp since it overflows int64',
  },
  { text: "{{ 1435065584.128 | humanizeTimestamp }}", output: "2015-06-23 13:19:44.128 +0000 UTC" },
  {
    text: '{{ "1435065584.128" | humanizeTimestamp }}',
    output: "2015-06-23 13:19:44.128 +0000 UTC",
  },
  { text: '{{ (1435065584.128 | toTime).Format "2006" }}', output: "2015" },
  { text: '{{ "aa bb CC" | title }}', output: "Aa Bb CC" },
  { text: '{{ "aa bb CC" | toUpper }}', output: "AA BB CC" },
  { text: '{{ "aA bB CC" | toLower }}', output: "aa bb cc" },
  { text: '{{ match "a+" "aa" }} {{ match "a+" "b" }}', output: "true false" },
  { text: '{{ graphLink "up" }}', output: "/graph?g0.expr=up&g0.tab=0" },
  { text: '{{ tableLink "up" }}', output: "/graph?g0.expr=up&g0.tab=1" },
  { text: "{{ pathPrefix }}", output: "/path/prefix" },
  { text: "{{ externalURL }}", output: "http://testhost:9090/path/prefix" },
  { text: '{{ printf "%0.2f" (parseDuration "1h2m10ms") }}', output: "3720.01" },
  { text: '{{ "foo.example.com" | stripDomain }}', output: "foo" },
  { text: '{{ "foo.example.com:12345" | stripDomain }}', output: "foo:12345" },
  { text: '{{ "192.0.2.1" | stripDomain }}', output: "192.0.2.1" },
  { text: '{{ "192.0.2.1:12345" | stripDomain }}', output: "192.0.2.1:12345" },
  { text: '{{ "2001:0DB8::1" | stripDomain }}', output: "2001:0DB8::1" },
  { text: '{{ "[2001:0DB8::1]:12345" | stripDomain }}', output: "[2001:0DB8::1]:12345" },
  { text: '{{ "[2001:0DB8::1]::12345" | stripDomain }}', output: "[2001:0DB8::1]::12345" },
];

describe("Prometheus template functions (upstream scenarios)", () => {
  it.each(scenarios.map((s) => [s.text, s] as const))("%s", async (_t, s) => {
    const run = expandGoTemplate("test", s.text, s.input, {
      externalURL: EXTERNAL_URL,
      html: s.html,
      now: () => 0,
      query: async () => s.queryResult ?? [],
    });
    if (s.errorMsg !== undefined) await expect(run).rejects.toThrow(s.errorMsg);
    else expect(await run).toBe(s.output);
  });
});

describe("expandAlertTemplate", () => {
  const data = {
    labels: { alertname: "HighLoad", instance: "web1:9100" },
    externalLabels: { cluster: "eu" },
    externalURL: "https://reddot.example.com",
    value: 0.1 + 0.2,
  };

  it.each([
    ["{{ $labels.instance }} is at {{ $value }}", "web1:9100 is at 0.30000000000000004"],
    ["{{ $labels.missing }}", "<no value>"],
    ['{{ index $labels "missing" }}|{{ index $externalLabels "x" }}', "|"],
    ['{{ if eq $labels.alertname "HighLoad" }}yes{{ end }}', "yes"],
    ["{{ if gt $value 0.25 }}high{{ end }}", "high"],
    ['{{ $labels.instance | reReplaceAll ":.*" "" }}', "web1"],
    [
      "{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}",
      "alertname=HighLoad;instance=web1:9100;",
    ],
    ["{{ $externalLabels.cluster }} {{ $externalURL }}", "eu https://reddot.example.com"],
    ["{{ .Labels.alertname }}", "HighLoad"],
    ['{{ $value | printf "%.2f" }}', "0.30"],
    ["{{ humanize $value }}", "300m"],
  ])("%s", async (text, want) => {
    expect(await expandAlertTemplate("__alert_HighLoad", text, data)).toBe(want);
  });

  it("prints values as Go does", async () => {
    for (const [value, want] of [
      [1e21, "1e+21"],
      [Number.NaN, "NaN"],
      [Infinity, "+Inf"],
      [1234567, "1.234567e+06"],
      [42, "42"],
    ] as const) {
      expect(await expandAlertTemplate("a", "{{ $value }}", { ...data, value })).toBe(want);
    }
  });

  it("runs queries through the injected async function", async () => {
    const seen: string[] = [];
    const query = async (expr: string) => {
      seen.push(expr);
      await new Promise((r) => setImmediate(r));
      return [{ labels: { instance: "b" }, value: 2 }];
    };
    const text =
      '{{ with query "up == 0" }}{{ range . }}{{ .Labels.instance }}={{ .Value }}{{ end }}{{ end }}';
    expect(await expandAlertTemplate("a", text, data, { query })).toBe("b=2");
    expect(seen).toEqual(["up == 0"]);
  });

  it("uses the injected clock for now", async () => {
    expect(
      await expandAlertTemplate("a", "{{ now }}", data, { now: () => 1_700_000_000_500 }),
    ).toBe("1.7000000005e+09");
  });

  it("reports errors as Prometheus does, with the user's line numbers", async () => {
    expect(await expandAlertTemplate("__alert_X", 'line one\n{{ humanize "x" }}', data)).toBe(
      '<error expanding template: error executing template __alert_X: template: __alert_X:2:3: executing "__alert_X" at <humanize "x">: error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax>',
    );
    expect(await expandAlertTemplate("__alert_X", "ok\n{{ nope }}", data)).toBe(
      '<error expanding template: error parsing template __alert_X: template: __alert_X:2: function "nope" not defined>',
    );
  });

  it("refuses template text over 64 KiB", async () => {
    const out = await expandAlertTemplate("a", "x".repeat(65 * 1024), data);
    expect(out).toMatch(/^<error expanding template: .*more than the limit of 65536>$/);
  });
});

describe("checkAlertTemplate", () => {
  it.each([
    ["{{ $labels.instance }} down", undefined],
    ["{{ $value | humanizePercentage }}", undefined],
    ["a\nb\n{{ if }}", "template: __alert_X:3: missing value for if"],
    ["{{ $nope }}", 'template: __alert_X:1: undefined variable "$nope"'],
    ["{{ range $labels }}{{ end", "template: __alert_X:1: unclosed action"],
  ])("%s", (text, want) => {
    expect(checkAlertTemplate("__alert_X", text)).toBe(want);
  });
});
