import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type RuleGroupConfig, rulesSettingsSchema } from "../../config/index.js";
import { expandAlertTemplate } from "../../template/index.js";
import { runRuleTestFile } from "../unittest/index.js";
import { builtinRuleGroups } from "./index.js";

const defaults = rulesSettingsSchema.parse({}).builtin;
const groups = builtinRuleGroups(defaults);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reddot-builtin-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The groups as a Prometheus rule file, so they also go through the rules section's checks. */
function ruleFile(gs: readonly RuleGroupConfig[]): string {
  const ms = (v: number) => `${v / 1000}s`;
  return stringify({
    groups: gs.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) =>
        r.kind === "record"
          ? { record: r.name, expr: r.expr }
          : {
              alert: r.name,
              expr: r.expr,
              for: ms(r.for),
              keep_firing_for: ms(r.keepFiringFor),
              labels: r.labels,
              annotations: r.annotations,
            },
      ),
    })),
  });
}

/** The annotations a built-in alert gets for these labels and value. */
async function annotations(alertname: string, labels: Record<string, string>, value: number) {
  const rule = groups.flatMap((g) => g.rules).find((r) => r.name === alertname);
  if (rule === undefined) throw new Error(`no rule ${alertname}`);
  const out: Record<string, string> = {};
  for (const [k, text] of Object.entries(rule.annotations)) {
    out[k] = await expandAlertTemplate(`__alert_${alertname}`, text, {
      labels,
      externalLabels: {},
      externalURL: "",
      value,
    });
  }
  return out;
}

let n = 0;
async function runTests(
  tests: unknown[],
  gs: readonly RuleGroupConfig[] = groups,
  interval = "1m",
) {
  n++;
  writeFileSync(join(dir, `rules${n}.yml`), ruleFile(gs));
  const file = join(dir, `test${n}.yml`);
  writeFileSync(
    file,
    stringify({ rule_files: [`rules${n}.yml`], evaluation_interval: interval, tests }),
  );
  return (await runRuleTestFile(file)).errors;
}

function firing(
  alertname: string,
  severity: string,
  labels: Record<string, string>,
  ann: Record<string, string>,
) {
  return { exp_labels: { ...labels, severity }, exp_annotations: ann, alertname };
}

async function at(evalTime: string, alertname: string, alerts: ReturnType<typeof firing>[]) {
  return {
    eval_time: evalTime,
    alertname,
    exp_alerts: alerts.map(({ exp_labels, exp_annotations }) => ({ exp_labels, exp_annotations })),
  };
}

describe("builtin rule groups", () => {
  it("are named reddot.builtin.*, in the <builtin> file, and each can be turned off", () => {
    expect(groups.map((g) => g.name)).toEqual([
      "reddot.builtin.keepalive",
      "reddot.builtin.check_failing",
      "reddot.builtin.readonly_fs",
      "reddot.builtin.disk_full_soon",
      "reddot.builtin.backup_too_old",
      "reddot.builtin.config_management",
      "reddot.builtin.self",
    ]);
    expect(new Set(groups.map((g) => g.file))).toEqual(new Set(["<builtin>"]));
    for (const g of groups) {
      for (const r of g.rules) {
        if (r.kind === "alert") expect(["critical", "warning"]).toContain(r.labels.severity);
      }
    }
    const off = rulesSettingsSchema.parse({
      builtin: { keepalive: { enabled: false }, self: { enabled: false } },
    }).builtin;
    expect(builtinRuleGroups(off).map((g) => g.name)).not.toContain("reddot.builtin.keepalive");
    expect(builtinRuleGroups(off)).toHaveLength(5);
  });

  it("pass the rule-file checks (PromQL and templates)", async () => {
    expect(await runTests([])).toEqual([]);
  });

  it("HostSilent fires after missed intervals + for, keeps firing past the lookback, resolves", async () => {
    const host = { host: "web1" };
    const silent = (v: number) =>
      annotations("HostSilent", { ...host, severity: "critical", alertname: "HostSilent" }, v);
    const errors = await runTests(
      [
        {
          interval: "30s",
          input_series: [
            // The value is the receive time in seconds; silent from 5m to 25m30s.
            {
              series: 'reddot_agent_last_seen_timestamp{host="web1"}',
              values: "0+30x10 _x40 1530+30x10",
            },
            { series: 'reddot_agent_last_seen_timestamp{host="web2"}', values: "0+30x60" },
          ],
          alert_rule_test: [
            await at("7m", "HostSilent", []),
            await at("8m", "HostSilent", [
              firing("HostSilent", "critical", host, await silent(180)),
            ]),
            await at("20m", "HostSilent", [
              firing("HostSilent", "critical", host, await silent(900)),
            ]),
            await at("26m", "HostSilent", []),
          ],
        },
      ],
      groups,
      "15s",
    );
    expect(errors).toEqual([]);
  });

  it("HostSilent's description shows the silence humanized", async () => {
    const a = await annotations("HostSilent", { host: "web1" }, 180);
    expect(a.description).toBe("No report from the reddot agent on web1 for 3m 0s.");
  });

  it("CheckFailing fires on the Nth consecutive non-OK run and clears on an OK run", async () => {
    const l = { host: "a", check: "ntp" };
    const ann = (v: number) => annotations("CheckFailing", l, v);
    const errors = await runTests([
      {
        input_series: [
          { series: 'reddot_check_status{host="a",check="ntp"}', values: "0 0 2 2 2 2 0 0" },
          { series: 'reddot_check_status{host="a",check="flappy"}', values: "0 1 0 1 1 0 1 1" },
        ],
        alert_rule_test: [
          await at("3m", "CheckFailing", []),
          await at("4m", "CheckFailing", [firing("CheckFailing", "warning", l, await ann(2))]),
          await at("5m", "CheckFailing", [firing("CheckFailing", "warning", l, await ann(2))]),
          await at("6m", "CheckFailing", []),
        ],
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("CheckFailing uses each check's interval and leaves file_age and puppet checks to their rules", async () => {
    const gs = builtinRuleGroups(defaults, {
      checks: [
        { name: "ntp", intervalMs: 30_000, kind: "builtin", builtin: "tcp" },
        { name: "nightly", intervalMs: 300_000, kind: "builtin", builtin: "file_age" },
        { name: "puppet", intervalMs: 300_000, kind: "builtin", builtin: "puppet" },
        { name: "raid", intervalMs: 300_000, kind: "plugin" },
      ],
    });
    const cf = gs.find((g) => g.name === "reddot.builtin.check_failing");
    expect(cf?.rules.map((r) => r.expr)).toEqual([
      'last_over_time(reddot_check_status{check=~"ntp"}[90s]) > 0 and on (host, check) min_over_time(reddot_check_status{check=~"ntp"}[90s]) > 0 and on (host, check) count_over_time(reddot_check_status{check=~"ntp"}[90s]) >= 3',
      'last_over_time(reddot_check_status{check=~"raid"}[900s]) > 0 and on (host, check) min_over_time(reddot_check_status{check=~"raid"}[900s]) > 0 and on (host, check) count_over_time(reddot_check_status{check=~"raid"}[900s]) >= 3',
    ]);
    const backup = gs.find((g) => g.name === "reddot.builtin.backup_too_old");
    expect(backup?.rules[0]?.expr).toBe(
      'last_over_time(reddot_check_status{check=~"nightly"}[600s]) != 0',
    );
    const l = { host: "a", check: "ntp" };
    const errors = await runTests(
      [
        {
          interval: "30s",
          input_series: [
            { series: 'reddot_check_status{host="a",check="ntp"}', values: "0 1 1 1 0" },
          ],
          alert_rule_test: [
            await at("1m", "CheckFailing", []),
            await at("1m30s", "CheckFailing", [
              firing("CheckFailing", "warning", l, await annotations("CheckFailing", l, 1)),
            ]),
            await at("2m", "CheckFailing", []),
          ],
        },
      ],
      gs,
      "30s",
    );
    expect(errors).toEqual([]);
  });

  it("FilesystemReadOnly fires for a writable filesystem remounted read-only, not for an ISO", async () => {
    const l = { host: "a", device: "/dev/sda1", mountpoint: "/srv", fstype: "ext4" };
    const errors = await runTests([
      {
        input_series: [
          {
            series:
              'node_filesystem_readonly{host="a",device="/dev/sda1",mountpoint="/srv",fstype="ext4"}',
            values: "0 0 1 1 0",
          },
          {
            series:
              'node_filesystem_readonly{host="a",device="/dev/sr0",mountpoint="/media/cd",fstype="iso9660"}',
            values: "1x4",
          },
        ],
        alert_rule_test: [
          await at("1m", "FilesystemReadOnly", []),
          await at("2m", "FilesystemReadOnly", [
            firing(
              "FilesystemReadOnly",
              "critical",
              l,
              await annotations("FilesystemReadOnly", l, 1),
            ),
          ]),
          await at("4m", "FilesystemReadOnly", []),
        ],
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("DiskFullSoon fires for a filesystem filling up after `for`, not for a steady one", async () => {
    const l = { host: "a", device: "/dev/sda1", mountpoint: "/var", fstype: "ext4" };
    const fs = (name: string, host: string, values: string) => ({
      series: `${name}{host="${host}",device="/dev/sda1",mountpoint="/var",fstype="ext4"}`,
      values,
    });
    const errors = await runTests(
      [
        {
          interval: "10m",
          input_series: [
            // a: loses 1 GB every 10 minutes from 30 GB of 100 GB.
            fs("node_filesystem_avail_bytes", "a", "30000000000-1000000000x12"),
            fs("node_filesystem_size_bytes", "a", "100000000000x12"),
            fs("node_filesystem_readonly", "a", "0x12"),
            fs("node_filesystem_avail_bytes", "b", "30000000000x12"),
            fs("node_filesystem_size_bytes", "b", "100000000000x12"),
            fs("node_filesystem_readonly", "b", "0x12"),
          ],
          alert_rule_test: [
            await at("30m", "DiskFullSoon", []),
            await at("40m", "DiskFullSoon", [
              firing(
                "DiskFullSoon",
                "warning",
                l,
                await annotations("DiskFullSoon", l, 26e9 - 144e9),
              ),
            ]),
          ],
        },
      ],
      groups,
      "10m",
    );
    expect(errors).toEqual([]);
  });

  it("BackupTooOld fires for a failing file_age check (recognised by its perfdata), also once the file is gone", async () => {
    const l = { host: "db1", check: "nightly_dump" };
    const errors = await runTests([
      {
        interval: "5m",
        input_series: [
          // OK, then too old (2), then missing: status 2 without perfdata.
          { series: 'reddot_check_status{host="db1",check="nightly_dump"}', values: "0 0 2 2 2" },
          {
            series: 'reddot_check_perfdata{host="db1",check="nightly_dump",item="age",uom="s"}',
            values: "3600 3900 90000 _ _",
          },
          { series: 'reddot_check_status{host="db1",check="ntp"}', values: "2x4" },
        ],
        alert_rule_test: [
          await at("5m", "BackupTooOld", []),
          await at("10m", "BackupTooOld", [
            firing("BackupTooOld", "critical", l, await annotations("BackupTooOld", l, 2)),
          ]),
          await at("20m", "BackupTooOld", [
            firing("BackupTooOld", "critical", l, await annotations("BackupTooOld", l, 2)),
          ]),
        ],
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("Heartbeat alerts follow reddot_heartbeat_late/failed/overlong", async () => {
    const l = { job: "backup", team: "ops" };
    const one = async (name: string, severity: string) =>
      firing(name, severity, l, await annotations(name, l, 1));
    const errors = await runTests([
      {
        input_series: [
          { series: 'reddot_heartbeat_late{job="backup",team="ops"}', values: "0 1 0 0" },
          { series: 'reddot_heartbeat_failed{job="backup",team="ops"}', values: "0 0 1 0" },
          { series: 'reddot_heartbeat_overlong{job="backup",team="ops"}', values: "0 0 0 1" },
        ],
        alert_rule_test: [
          await at("0m", "HeartbeatLate", []),
          await at("1m", "HeartbeatLate", [await one("HeartbeatLate", "warning")]),
          await at("2m", "HeartbeatLate", []),
          await at("2m", "HeartbeatFailed", [await one("HeartbeatFailed", "critical")]),
          await at("3m", "HeartbeatFailed", []),
          await at("3m", "HeartbeatOverlong", [await one("HeartbeatOverlong", "warning")]),
        ],
      },
    ]);
    expect(errors).toEqual([]);
  });

  it("Puppet alerts: stale after stale_after, failed resources, disabled", async () => {
    // An empty label value is no label, as in Prometheus.
    const l = (item: string, uom: string) => ({
      host: "web1",
      check: "puppet",
      item,
      ...(uom === "" ? {} : { uom }),
    });
    const perf = (item: string, uom: string, values: string) => ({
      series: `reddot_check_perfdata{host="web1",check="puppet",item="${item}",uom="${uom}"}`,
      values,
    });
    const errors = await runTests(
      [
        {
          interval: "30m",
          input_series: [
            perf("last_run_age", "s", "600 2400 7300 600"),
            perf("failed_resources", "", "0 3 0 0"),
            perf("disabled", "", "0 0 1 0"),
          ],
          alert_rule_test: [
            await at("30m", "PuppetStale", []),
            await at("60m", "PuppetStale", [
              firing(
                "PuppetStale",
                "warning",
                l("last_run_age", "s"),
                await annotations("PuppetStale", l("last_run_age", "s"), 7300),
              ),
            ]),
            await at("90m", "PuppetStale", []),
            await at("30m", "PuppetFailed", [
              firing(
                "PuppetFailed",
                "critical",
                l("failed_resources", ""),
                await annotations("PuppetFailed", l("failed_resources", ""), 3),
              ),
            ]),
            await at("60m", "PuppetDisabled", [
              firing(
                "PuppetDisabled",
                "warning",
                l("disabled", ""),
                await annotations("PuppetDisabled", l("disabled", ""), 1),
              ),
            ]),
            await at("90m", "PuppetDisabled", []),
          ],
        },
      ],
      groups,
      "30m",
    );
    expect(errors).toEqual([]);
  });

  it("self alerts: refused remote writes for 10m, failing rule evaluations", async () => {
    const errors = await runTests([
      {
        input_series: [
          { series: 'reddot_remote_write_requests_total{code="204"}', values: "0+100x30" },
          { series: 'reddot_remote_write_requests_total{code="400"}', values: "0x5 0+6x25" },
          { series: "reddot_rule_evaluation_failures_total", values: "0x30" },
        ],
        promql_expr_test: [
          {
            expr: 'sum without (code) (rate(reddot_remote_write_requests_total{code=~"4.."}[5m]))',
            eval_time: "20m",
            exp_samples: [{ labels: "{}", value: 0.1 }],
          },
        ],
        alert_rule_test: [
          await at("10m", "ReddotIngestionRefused", []),
          await at("20m", "ReddotIngestionRefused", [
            firing(
              "ReddotIngestionRefused",
              "warning",
              {},
              await annotations("ReddotIngestionRefused", {}, 0.1),
            ),
          ]),
          await at("20m", "ReddotRuleEvaluationFailures", []),
        ],
      },
    ]);
    expect(errors).toEqual([]);
  });
});
