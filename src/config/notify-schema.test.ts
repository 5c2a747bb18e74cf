import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatConfigIssue } from "./issues.js";
import { parseNotifyConfig, unsupportedIntegrationMessage } from "./notify-schema.js";
import { parseYamlFile } from "./yaml-file.js";

function parse(text: string) {
  const { yaml, issues } = parseYamlFile("notify.yaml", text);
  expect(issues).toEqual([]);
  return parseNotifyConfig(yaml);
}

function problems(text: string): string[] {
  return parse(text).issues.map(formatConfigIssue);
}

/** A realistic alertmanager.yml, in the style of Alertmanager's doc/examples/simple.yml. */
const REAL_WORLD = readFileSync(
  fileURLToPath(new URL("../notify/testdata/alertmanager.yml", import.meta.url)),
  "utf8",
);

describe("notify.yaml", () => {
  it("loads a real-world alertmanager.yml with inherited defaults", () => {
    const { config, issues } = parse(REAL_WORLD);
    expect(issues).toEqual([]);
    if (config === undefined) throw new Error("no config");
    expect(config.resolveTimeoutMs).toBe(300_000);
    expect(config.templates).toEqual(["templates/*.tmpl"]);
    const root = config.route;
    expect(root.receiver).toBe("team-X-mails");
    expect(root.groupWaitMs).toBe(30_000);
    expect(root.repeatIntervalMs).toBe(3 * 3_600_000);
    const [foo, , db, staging, forward] = root.routes;
    // Children inherit group_by and intervals unless they set their own.
    expect(foo?.groupBy).toEqual(["alertname", "cluster", "service"]);
    expect(foo?.routes[0]?.repeatIntervalMs).toBe(3 * 3_600_000);
    expect(db?.routes[0]?.groupBy).toEqual(["alertname", "cluster", "database"]);
    expect(db?.routes[0]?.continue).toBe(true);
    expect(staging?.groupBy).toBe("all");
    expect(staging?.matchers.map((m) => [m.name, m.type, m.value])).toEqual([
      ["env", "=~", "staging|dev"],
    ]);
    expect(staging?.muteTimeIntervals).toEqual(["offhours"]);
    expect(forward?.activeTimeIntervals).toEqual(["business-hours"]);

    const byName = new Map(config.receivers.map((r) => [r.name, r]));
    const mails = byName.get("team-X-mails")?.email[0];
    // Global SMTP settings flow into email configs; headers normalised.
    expect(mails).toMatchObject({
      smarthost: "localhost:25",
      from: "alertmanager@example.org",
      authUsername: "alertmanager",
      authPassword: "password",
      hello: "localhost",
      requireTls: true,
      sendResolved: false,
      headers: { Subject: "alert!" },
    });
    const pager = byName.get("team-X-pager");
    expect(pager?.email[0]).toMatchObject({
      smarthost: "mail.example.org:587",
      authUsername: "x",
      authPassword: "y",
    });
    expect(pager?.pagerduty[0]).toMatchObject({
      routingKey: "<team-X-key>",
      url: "https://events.pagerduty.com/v2/enqueue",
      sendResolved: true,
    });
    expect(byName.get("team-DB-pager")?.webhook[0]).toMatchObject({
      url: "http://127.0.0.1:5001/hook",
      maxAlerts: 10,
      sendResolved: true,
    });
    const noise = byName.get("slack-noise");
    expect(noise?.slack[0]).toMatchObject({
      apiUrl: "https://hooks.slack.com/services/T000/B000/XXX",
      channel: "#noise",
      sendResolved: true,
    });
    expect(noise?.unsupported).toEqual([{ integration: "opsgenie_configs", count: 1 }]);
    expect(unsupportedIntegrationMessage("opsgenie_configs")).toBe(
      "integration opsgenie is not supported by reddot",
    );
    expect(byName.get("forward")?.alertmanager).toEqual([
      { url: "http://am.example.org:9093", timeoutMs: 10_000, sendResolved: true },
    ]);

    expect(config.inhibitRules).toHaveLength(2);
    expect(config.inhibitRules[1]?.sourceMatchers.map((m) => m.value)).toEqual(["NodeDown"]);
    expect(config.inhibitRules[1]?.targetMatchers.map((m) => m.type)).toEqual(["=~"]);
    expect(config.timeIntervals.map((t) => t.name)).toEqual(["business-hours", "offhours"]);
    expect(config.timeIntervals[0]?.timeIntervals[0]).toEqual({
      times: [{ startMinute: 540, endMinute: 1020 }],
      weekdays: [{ begin: 1, end: 5 }],
      location: "Europe/Berlin",
    });
    expect(config.timeIntervals[1]?.timeIntervals[1]).toMatchObject({
      daysOfMonth: [
        { begin: -1, end: -1 },
        { begin: 1, end: 3 },
      ],
      months: [{ begin: 12, end: 12 }],
      years: [{ begin: 2024, end: 2030 }],
    });
  });

  it("uses Alertmanager's defaults for a minimal file", () => {
    const { config } = parse("route:\n  receiver: null-recv\nreceivers:\n  - name: null-recv\n");
    expect(config?.route).toMatchObject({
      groupBy: [],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
  });

  it.each([
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n",
      'notify.yaml:5:11: receivers[1].name: receiver "a" is already defined at notify.yaml:4:11',
    ],
    [
      "route:\n  receiver: b\nreceivers:\n  - name: a\n",
      'notify.yaml:2:13: route.receiver: undefined receiver "b" used in route',
    ],
    [
      "route:\n  receiver: a\n  routes:\n    - receiver: ab\nreceivers:\n  - name: a\n  - name: abc\n",
      'notify.yaml:4:17: route.routes[0].receiver: undefined receiver "ab" used in route (hint: did you mean "a"?)',
    ],
    ["receivers:\n  - name: a\n", "notify.yaml:1:1: no route"],
    ["route:\n  group_by: [a]\nreceivers:\n  - name: a\n", "the root route must have a receiver"],
    [
      'route:\n  receiver: a\n  matchers: [a="b"]\nreceivers:\n  - name: a\n',
      "notify.yaml:3:13: route.matchers: the root route must not have any matchers",
    ],
    [
      "route:\n  receiver: a\n  group_by: ['...', a]\nreceivers:\n  - name: a\n",
      "notify.yaml:3:14: route.group_by[0]: '...' must be the only entry",
    ],
    [
      "route:\n  receiver: a\n  group_by: [a-b]\nreceivers:\n  - name: a\n",
      'route.group_by[0]: "a-b" is not a valid label name',
    ],
    [
      "route:\n  receiver: a\n  group_wait: 5 minutes\nreceivers:\n  - name: a\n",
      'notify.yaml:3:15: route.group_wait: "5 minutes" is not a duration',
    ],
    [
      "route:\n  receiver: a\n  recevier: b\nreceivers:\n  - name: a\n",
      'notify.yaml:3:3: route.recevier: unknown key "recevier" (hint: did you mean "receiver"?)',
    ],
    [
      "route:\n  receiver: a\n  routes:\n    - matchers: ['a~b']\nreceivers:\n  - name: a\n",
      "notify.yaml:4:18: route.routes[0].matchers[0]: bad matcher",
    ],
    [
      "route:\n  receiver: a\n  routes:\n    - mute_time_intervals: [nite]\nreceivers:\n  - name: a\ntime_intervals:\n  - name: night\n",
      'notify.yaml:4:29: route.routes[0].mute_time_intervals[0]: undefined time interval "nite" used in route (hint: known: night',
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - from: x@y\n        smarthost: h:25\n",
      "notify.yaml:6:9: receivers[0].email_configs[0]: missing to address",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    email_configs:\n      - to: x@y\n",
      "no global SMTP smarthost set",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    slack_configs:\n      - channel: '#x'\n",
      "no global Slack API URL set",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    pagerduty_configs:\n      - severity: x\n",
      "missing service or routing key",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - max_alerts: 1\n",
      "one of url or url_file must be configured",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_confgs: []\n",
      'unknown key "webhook_confgs" (hint: did you mean "webhook_configs"?)',
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\n    alertmanager_configs:\n      - url: ftp://x\n",
      "notify.yaml:6:14: receivers[0].alertmanager_configs[0].url",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: t\n    time_intervals:\n      - times:\n          - start_time: '17:00'\n            end_time: '09:00'\n",
      "notify.yaml:10:23: time_intervals[0].time_intervals[0].times[0].end_time: end_time must be after start_time",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: t\n    time_intervals:\n      - weekdays: ['friday:monday']\n",
      "time_intervals[0].time_intervals[0].weekdays[0]: start day friday is after end day monday",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: t\n    time_intervals:\n      - days_of_month: ['0']\n",
      "out of range",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: t\n    time_intervals:\n      - location: Mars/Base\n",
      'unknown location "Mars/Base"',
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: t\nmute_time_intervals:\n  - name: t\n",
      'notify.yaml:8:11: mute_time_intervals[0].name: time interval "t" is already defined at notify.yaml:6:11',
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ninhibit_rules:\n  - source_matchers: ['a=\"b']\n",
      "inhibit_rules[0].source_matchers[0]: bad matcher",
    ],
    [
      "route:\n  receiver: a\nreceivers:\n  - name: a\ninhibit_rules:\n  - equal: ['a b']\n",
      'inhibit_rules[0].equal[0]: "a b" is not a valid label name',
    ],
    [
      "global:\n  smtp_smarthst: x\nroute:\n  receiver: a\nreceivers:\n  - name: a\n",
      'unknown key "smtp_smarthst" (hint: did you mean "smtp_smarthost"?)',
    ],
  ])("reports %j", (text, want) => {
    const got = problems(text);
    expect(
      got.some((p) => p.includes(want)),
      `${want}\nnot in:\n${got.join("\n")}`,
    ).toBe(true);
  });
});
