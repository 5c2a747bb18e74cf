import { describe, expect, it } from "vitest";
import { parseYamlFile, zodIssuesToConfigIssues } from "./index.js";
import { rulesSettingsSchema } from "./rules-settings-schema.js";
import { serverConfigSchema } from "./server-schema.js";

describe("rules settings", () => {
  it("defaults: 15s evaluation, 1m resend, every built-in rule on", () => {
    expect(rulesSettingsSchema.parse({})).toEqual({
      evaluationInterval: 15_000,
      resendDelay: 60_000,
      externalLabels: {},
      builtin: {
        keepalive: { enabled: true, for: 60_000, missedIntervals: 3 },
        checkFailing: { enabled: true, consecutive: 3 },
        readonlyFs: { enabled: true, for: 0 },
        diskFullSoon: { enabled: true, horizon: 86_400_000, lookback: 21_600_000, for: 1_800_000 },
        backupTooOld: { enabled: true },
        configManagement: { enabled: true, staleAfter: 7_200_000 },
        self: { enabled: true },
      },
    });
  });

  it("reddot.yaml takes rules and external_url", () => {
    const c = serverConfigSchema.parse({
      external_url: "https://reddot.example.org:9190/",
      rules: {
        evaluation_interval: "30s",
        external_labels: { site: "ams" },
        builtin: { disk_full_soon: { horizon: "4h" }, self: { enabled: false } },
      },
    });
    expect(c.externalURL).toBe("https://reddot.example.org:9190");
    expect(c.rules.evaluationInterval).toBe(30_000);
    expect(c.rules.externalLabels).toEqual({ site: "ams" });
    expect(c.rules.builtin.diskFullSoon.horizon).toBe(4 * 3_600_000);
    expect(c.rules.builtin.self.enabled).toBe(false);
    expect(serverConfigSchema.parse({}).externalURL).toBeUndefined();
  });

  it("reports bad keys and values with file:line", () => {
    const text =
      "rules:\n  builtin:\n    keepalive: { missed_intervals: 0 }\n    disk_ful_soon: {}\n  external_labels: { __x: a }\n";
    const { yaml } = parseYamlFile("reddot.yaml", text);
    const r = serverConfigSchema.safeParse(yaml.data);
    expect(r.success).toBe(false);
    if (r.success) return;
    const issues = zodIssuesToConfigIssues(yaml, r.error.issues, serverConfigSchema);
    const where = issues.map((i) => `${i.line}:${i.key}`).sort();
    expect(where).toEqual([
      "3:rules.builtin.keepalive.missed_intervals",
      "4:rules.builtin.disk_ful_soon",
      "5:rules.external_labels.__x",
    ]);
    expect(issues.find((i) => i.line === 4)?.hint).toContain("disk_full_soon");
    expect(serverConfigSchema.safeParse({ external_url: "ftp://x" }).success).toBe(false);
  });
});
