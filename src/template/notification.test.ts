import { describe, expect, it } from "vitest";
import { KV } from "./funcs-alertmanager.js";
import { type NotificationData, NotificationTemplates } from "./notification.js";
import { GoTime } from "./values.js";

const T0 = Date.UTC(2024, 2, 1, 12, 30, 0);

function data(over: Partial<NotificationData> = {}): NotificationData {
  return {
    receiver: "ops team",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "HighLoad", instance: "web1", severity: "page", job: "node" },
        annotations: { summary: "load is high", description: "load 5 > 4" },
        startsAt: T0,
        endsAt: 0,
        generatorURL: "https://reddot.example.com/graph?g0.expr=load",
        fingerprint: "abc123",
      },
      {
        status: "resolved",
        labels: { alertname: "HighLoad", instance: "web2", severity: "page", job: "node" },
        annotations: { summary: "load is high" },
        startsAt: T0 - 3_600_000,
        endsAt: T0,
        generatorURL: "",
        fingerprint: "def456",
      },
    ],
    groupLabels: { alertname: "HighLoad" },
    commonLabels: { alertname: "HighLoad", severity: "page", job: "node" },
    commonAnnotations: { summary: "load is high" },
    externalURL: "https://reddot.example.com",
    ...over,
  };
}

describe("NotificationTemplates data", () => {
  const t = NotificationTemplates.parse([]);
  it.each([
    ["{{ .Receiver }} {{ .Status }}", "ops team firing"],
    ["{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}", "2 1 1"],
    ["{{ range .Alerts.Firing }}{{ .Labels.instance }}{{ end }}", "web1"],
    ["{{ range .Alerts.Resolved }}{{ .Labels.instance }}{{ end }}", "web2"],
    // SortedPairs puts alertname first, then sorts by name (Alertmanager's KV.SortedPairs).
    [
      "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }}",
      "alertname=HighLoad,job=node,severity=page,",
    ],
    [
      '{{ join "," .CommonLabels.Names }}|{{ join "," .CommonLabels.Values }}',
      "alertname,job,severity|HighLoad,node,page",
    ],
    ['{{ join "," (.CommonLabels.Remove (stringSlice "job")).Names }}', "alertname,severity"],
    ["{{ .CommonLabels.severity }}", "page"],
    ["{{ .CommonAnnotations.summary }}", "load is high"],
    ["{{ (index .Alerts 0).StartsAt }}", "2024-03-01 12:30:00 +0000 UTC"],
    ['{{ (index .Alerts 0).StartsAt.Format "2006-01-02 15:04:05" }}', "2024-03-01 12:30:00"],
    ["{{ (index .Alerts 0).StartsAt.Unix }}", "1709296200"],
    ["{{ (index .Alerts 0).EndsAt }}", "0001-01-01 00:00:00 +0000 UTC"],
    ['{{ date "15:04 MST" (index .Alerts 0).StartsAt }}', "12:30 UTC"],
    ['{{ (tz "Europe/Paris" (index .Alerts 0).StartsAt).Format "15:04 -07:00" }}', "13:30 +01:00"],
    ["{{ since (index .Alerts 0).StartsAt }}", "1h30m0s"],
    [
      '{{ "hello wORLD" | title }}|{{ " x " | trimSpace }}|{{ "A%20b+c" | urlUnescape }}',
      "Hello World|x|A b c",
    ],
    ['{{ reReplaceAll "web(\\\\d)" "host-$1" "web1 web2" }}', "host-1 host-2"],
    ['{{ match "^web" "web1" }}', "true"],
    ['{{ stringSlice "a" "<b>" | toJson }}', '["a","\\u003cb\\u003e"]'],
    ["{{ humanizeDuration 3661 }}", "1h 1m 1s"],
  ])("%s", async (text, want) => {
    expect(await t.render(text, data(), { now: () => T0 + 90 * 60_000 })).toBe(want);
  });
});

describe("default templates", () => {
  const t = NotificationTemplates.parse([]);

  it("defines Alertmanager's template names", () => {
    const names = t.names();
    for (const n of [
      "__subject",
      "__description",
      "__text_alert_list",
      "email.default.subject",
      "email.default.html",
      "email.default.text",
      "slack.default.title",
      "slack.default.text",
      "slack.default.fallback",
      "pagerduty.default.description",
      "pagerduty.default.client",
      "pagerduty.default.instances",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("builds Alertmanager's subject: status, firing count, group values, other common values", async () => {
    expect(await t.render('{{ template "email.default.subject" . }}', data())).toBe(
      "[FIRING:1] HighLoad (node page)",
    );
    const resolved = data({ status: "resolved", commonLabels: { alertname: "HighLoad" } });
    expect(await t.render('{{ template "__subject" . }}', resolved)).toBe("[RESOLVED] HighLoad ");
  });

  it("lists alerts as text for PagerDuty instances", async () => {
    const one = data();
    one.alerts = [one.alerts[0]];
    expect(await t.render('{{ template "pagerduty.default.instances" .Alerts }}', one)).toBe(
      [
        "Labels:",
        " - alertname = HighLoad",
        " - instance = web1",
        " - job = node",
        " - severity = page",
        "Annotations:",
        " - description = load 5 > 4",
        " - summary = load is high",
        "Source: https://reddot.example.com/graph?g0.expr=load",
        "",
      ].join("\n"),
    );
  });

  it("slack fallback joins the title and the link", async () => {
    expect(await t.render('{{ template "slack.default.fallback" . }}', data())).toBe(
      "[FIRING:1] HighLoad (node page) | https://reddot.example.com/alerts?receiver=ops+team",
    );
  });

  it("email html shows each alert's labels and annotations, links to reddot, and escapes values", async () => {
    const d = data();
    d.alerts[0].labels.instance = "<script>alert(1)</script>";
    d.alerts[0].annotations.summary = `"quoted" & 'single'`;
    const html = await t.render('{{ template "email.default.html" . }}', d, { html: true });
    expect(html).not.toContain("<script>");
    expect(html).toContain("instance = &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("summary = &#34;quoted&#34; &amp; &#39;single&#39;");
    expect(html).toContain("description = load 5 &gt; 4");
    expect(html).toContain('<a href="https://reddot.example.com/alerts/abc123">');
    expect(html).toContain('<a href="https://reddot.example.com/alerts/def456">');
    expect(html).toContain("<title>[FIRING:1] HighLoad (node page)</title>");
  });

  it("email text lists alerts with details links", async () => {
    const text = await t.render('{{ template "email.default.text" . }}', data());
    expect(text).toContain("1 firing, 1 resolved (receiver ops team).");
    expect(text).toContain("[FIRING] HighLoad\n  started: 2024-03-01 12:30:00 UTC");
    expect(text).toContain("    instance = web1");
    expect(text).toContain("  details: https://reddot.example.com/alerts/abc123");
    expect(text).toContain(
      "[RESOLVED] HighLoad\n  started: 2024-03-01 11:30:00 UTC\n  ended:   2024-03-01 12:30:00 UTC",
    );
  });
});

describe("user template files", () => {
  it("define templates and override defaults", async () => {
    const t = NotificationTemplates.parse([
      {
        name: "custom.tmpl",
        text: '{{ define "my.subject" }}{{ .Status | toUpper }}: {{ .CommonLabels.alertname }}{{ end }}\n{{ define "__subject" }}custom{{ end }}',
      },
    ]);
    expect(await t.render('{{ template "my.subject" . }}', data())).toBe("FIRING: HighLoad");
    expect(await t.render('{{ template "email.default.subject" . }}', data())).toBe("custom");
  });

  it("reports parse errors naming the file and line", () => {
    expect(() =>
      NotificationTemplates.parse([
        { name: "bad.tmpl", text: '{{ define "x" }}\n{{ .Foo | nope }}{{ end }}' },
      ]),
    ).toThrow('template: bad.tmpl:2: function "nope" not defined');
  });

  it("reports execution errors with Go's location", async () => {
    const t = NotificationTemplates.parse([]);
    await expect(t.render("{{ .Alerts.Nope }}", data())).rejects.toThrow(
      'template: :1:10: executing "" at <.Alerts.Nope>: can\'t evaluate field Nope in type []interface {}',
    );
  });

  it("errors out instead of recursing forever", async () => {
    const t = NotificationTemplates.parse([
      { name: "loop.tmpl", text: '{{ define "loop" }}{{ template "loop" . }}{{ end }}' },
    ]);
    await expect(t.render('{{ template "loop" . }}', data())).rejects.toThrow(
      "exceeded maximum template depth (100)",
    );
  });
});

// Scenarios from Alertmanager's template/template_test.go (TestTemplateExpansion, TestTemplateFuncs).
describe("Alertmanager template functions (upstream scenarios)", () => {
  const t = NotificationTemplates.parse([]);
  const jan1 = new GoTime(Date.UTC(2024, 0, 1, 8, 15, 30));
  const kv = KV.of({ key1: "key1", key2: "key2", key3: "key3", key4: "key4" });
  it.each<[string, unknown, string, boolean?]>([
    ["abc", undefined, "abc"],
    ['{{ "abc" }}', undefined, "abc"],
    ['{{ "abc" | toUpper }}', undefined, "ABC"],
    ['{{ "ABC" | toLower }}', undefined, "abc"],
    ['{{ "abc" | title }}', undefined, "Abc"],
    ['{{ " a b c " | trimSpace }}', undefined, "a b c"],
    ['{{ if match "^a" "abc"}}abc{{ end }}', undefined, "abc"],
    ['{{ if match "abcd" "abc" }}abc{{ end }}', undefined, ""],
    ['{{ . | join "," }}', ["a", "b", "c"], "a,b,c"],
    ['{{ "<b>" }}', undefined, "<b>"],
    ['{{ "<b>" }}', undefined, "&lt;b&gt;", true],
    ['{{ "<b>" | safeHtml }}', undefined, "<b>", true],
    ['{{ reReplaceAll "ab" "AB" "abcdabcda"}}', undefined, "ABcdABcda"],
    [
      '{{ with .GroupLabels }}{{ with .Remove (stringSlice "key1" "key3") }}{{ .SortedPairs.Values }}{{ end }}{{ end }}',
      { GroupLabels: kv },
      "[key2 key4]",
    ],
    ['{{ match "[a-z]+" "abc" }}', undefined, "true"],
    ['{{ . | date "2006-01-02" }}', jan1, "2024-01-01"],
    ['{{ . | tz "Europe/Paris" }}', jan1, "2024-01-01 09:15:30 +0100 CET"],
    [
      "{{ range . }}{{ humanizeDuration . }}:{{ end }}",
      [0, 1, 60, 3600, 86400, 86400 + 3600, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), 899.99],
      "0s:1s:1m 0s:1h 0m 0s:1d 0h 0m 0s:1d 1h 0m 0s:-2d 3h 4m 5s:14m 59s:",
    ],
    ["{{ . | since | humanizeDuration }}", new GoTime(T0 - 3_600_000), "1h 0m 0s"],
  ])("%s", async (text, goData, want, html) => {
    expect(await t.renderData(text, goData, { html, now: () => T0 })).toBe(want);
  });

  it.each([
    [
      '{{ . | tz "Invalid/Timezone" }}',
      'template: :1:7: executing "" at <tz "Invalid/Timezone">: error calling tz: unknown time zone Invalid/Timezone',
    ],
    [
      '{{ humanizeDuration "one" }}',
      'template: :1:3: executing "" at <humanizeDuration "one">: error calling humanizeDuration: strconv.ParseFloat: parsing "one": invalid syntax',
    ],
  ])("%s fails", async (text, msg) => {
    await expect(t.renderData(text, new GoTime(T0))).rejects.toThrow(msg);
  });
});

describe("user files written for Alertmanager", () => {
  // A user file in the style of Alertmanager's own templates: pipelines into len and join,
  // `with` over a method result, trim markers, nested template calls with sub-lists.
  const userFile = [
    '{{ define "my.subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}',
    '{{ define "my.description" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}',
    "{{ if gt (len .Alerts.Firing) 0 -}}",
    "Alerts Firing:",
    '{{ template "__text_alert_list" .Alerts.Firing }}',
    "{{- end }}",
    "{{ if gt (len .Alerts.Resolved) 0 -}}",
    "Alerts Resolved:",
    '{{ template "__text_alert_list" .Alerts.Resolved }}',
    "{{- end }}",
    "{{- end }}",
  ].join("\n");
  const t = NotificationTemplates.parse([{ name: "user.tmpl", text: userFile }]);

  it("gives the same subject as the default __subject", async () => {
    for (const d of [
      data(),
      data({ status: "resolved", commonLabels: { alertname: "HighLoad" } }),
    ]) {
      expect(await t.render('{{ template "my.subject" . }}', d)).toBe(
        await t.render('{{ template "__subject" . }}', d),
      );
    }
  });

  it("renders sub-lists through the default text list", async () => {
    const out = await t.render('{{ template "my.description" . }}', data());
    expect(out).toBe(
      [
        "load is high",
        "Alerts Firing:",
        "Labels:",
        " - alertname = HighLoad",
        " - instance = web1",
        " - job = node",
        " - severity = page",
        "Annotations:",
        " - description = load 5 > 4",
        " - summary = load is high",
        "Source: https://reddot.example.com/graph?g0.expr=load",
        // The list ends in a newline and the text between `{{- end }}` and `{{ if` adds another.
        "",
        "Alerts Resolved:",
        "Labels:",
        " - alertname = HighLoad",
        " - instance = web2",
        " - job = node",
        " - severity = page",
        "Annotations:",
        " - summary = load is high",
        "Source: ",
        "",
      ].join("\n"),
    );
  });
});
