import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_PARSE_OPTIONS } from "./fields.js";
import { loadConfigDir } from "./loader.js";
import { relabelConfigSchema } from "./relabel-schema.js";
import { resolveScrapeJob, scrapeJobSchema, targetProblem } from "./scrape-schema.js";
import { defaultServerConfig } from "./server-schema.js";
import { tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());

describe("scrape/*.yaml", () => {
  it("parses every key of a scrape_config", async () => {
    const dir = await repos.create({
      "scrape/node.yaml": `
scrape_configs:
  - job_name: node
    scrape_interval: 30s
    scrape_timeout: 5s
    metrics_path: /probe
    scheme: https
    params:
      module: [http_2xx]
    honor_labels: true
    honor_timestamps: false
    static_configs:
      - targets: ["127.0.0.1:9100", "node-1.example.com:9100", "[::1]:9100"]
        labels: {env: prod}
      - targets: []
    relabel_configs:
      - source_labels: [__address__]
        separator: "/"
        regex: "(.+):\\\\d+"
        target_label: host
        replacement: "$1"
        action: replace
      - source_labels: [__address__]
        modulus: 4
        target_label: __tmp_shard
        action: HashMod
    metric_relabel_configs:
      - regex: "tmp_.*"
        action: labeldrop
    sample_limit: 1000
    label_limit: 30
    body_size_limit: 10MB
`,
    });
    const [job] = (await loadConfigDir(dir)).scrape;
    expect(job).toEqual({
      jobName: "node",
      scrapeInterval: 30_000,
      scrapeTimeout: 5_000,
      metricsPath: "/probe",
      scheme: "https",
      params: { module: ["http_2xx"] },
      honorLabels: true,
      honorTimestamps: false,
      staticConfigs: [
        {
          targets: ["127.0.0.1:9100", "node-1.example.com:9100", "[::1]:9100"],
          labels: { env: "prod" },
        },
        { targets: [], labels: {} },
      ],
      relabelConfigs: [
        {
          sourceLabels: ["__address__"],
          separator: "/",
          regex: "(.+):\\d+",
          targetLabel: "host",
          replacement: "$1",
          action: "replace",
        },
        {
          sourceLabels: ["__address__"],
          separator: ";",
          regex: "(.*)",
          modulus: 4,
          targetLabel: "__tmp_shard",
          replacement: "$1",
          action: "hashmod",
        },
      ],
      metricRelabelConfigs: [
        {
          sourceLabels: [],
          separator: ";",
          regex: "tmp_.*",
          replacement: "$1",
          action: "labeldrop",
        },
      ],
      sampleLimit: 1000,
      labelLimit: 30,
      bodySizeLimit: 10 * 2 ** 20,
    });
  });

  it("fills Prometheus defaults and the global interval and timeout", () => {
    const parsed = scrapeJobSchema.parse({ job_name: "x" });
    const { config, issues } = resolveScrapeJob(parsed, defaultServerConfig().scrape);
    expect(issues).toEqual([]);
    expect(config).toEqual({
      jobName: "x",
      scrapeInterval: 15_000,
      scrapeTimeout: 10_000,
      metricsPath: "/metrics",
      scheme: "http",
      params: {},
      honorLabels: false,
      honorTimestamps: true,
      staticConfigs: [],
      relabelConfigs: [],
      metricRelabelConfigs: [],
      sampleLimit: 0,
      labelLimit: 0,
      bodySizeLimit: 0,
    });
  });

  it("lowers an unset timeout to a shorter job interval, as Prometheus does", () => {
    const parsed = scrapeJobSchema.parse({ job_name: "x", scrape_interval: "5s" });
    const { config, issues } = resolveScrapeJob(parsed, defaultServerConfig().scrape);
    expect(issues).toEqual([]);
    expect([config.scrapeInterval, config.scrapeTimeout]).toEqual([5000, 5000]);
  });
});

describe("targets", () => {
  it("accepts host:port forms", () => {
    for (const t of [
      "127.0.0.1:9100",
      "localhost:1",
      "a_b.example.com.:65535",
      "[fe80::1%eth0]:9100",
    ]) {
      expect(targetProblem(t)).toBeUndefined();
    }
  });

  it("rejects the rest", () => {
    for (const t of ["", ":9100", "host:", "host:0", "ho st:1", "-host:1", "[::1]", "::1:9100"]) {
      expect(targetProblem(t)).toBeDefined();
    }
  });
});

describe("relabel rules", () => {
  /** The key paths and messages of the issues of one rule, or [] when valid. */
  function problems(rule: Record<string, unknown>): string[] {
    const r = relabelConfigSchema.safeParse(rule, CONFIG_PARSE_OPTIONS);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  }

  it("accepts what Prometheus accepts", () => {
    const valid = [
      { source_labels: ["a"], target_label: "b" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Prometheus ${1} group reference
      { source_labels: ["a"], target_label: "${1}_x", regex: "(.*)" },
      { action: "keep", source_labels: ["job"], regex: "node" },
      { action: "drop", regex: "x" },
      { action: "hashmod", source_labels: ["a"], modulus: 2, target_label: "s" },
      { action: "labelmap", regex: "__meta_(.+)" },
      { action: "labelkeep", regex: "job|instance", separator: ";" },
      { action: "keepequal", source_labels: ["a"], target_label: "b" },
      { action: "lowercase", source_labels: ["a"], target_label: "b" },
      { action: "Uppercase", source_labels: ["a"], target_label: "b" },
      { action: "replace", regex: "(?P<host>[^:]+):.*", target_label: "h", replacement: "$host" },
    ];
    for (const rule of valid) expect(problems(rule), JSON.stringify(rule)).toEqual([]);
  });

  it("names the field each action requires or forbids", () => {
    expect(problems({ action: "hashmod", source_labels: ["a"] })).toEqual([
      "modulus: required by action hashmod",
      "target_label: required by action hashmod",
    ]);
    expect(problems({ source_labels: ["a"] })).toEqual([
      "target_label: required by action replace (the default)",
    ]);
    expect(
      problems({ action: "lowercase", source_labels: ["a"], target_label: "b", replacement: "x" }),
    ).toEqual(["replacement: replacement cannot be set for action lowercase"]);
    expect(
      problems({ action: "keepequal", source_labels: ["a"], target_label: "b", regex: "x" }),
    ).toEqual(["regex: action keepequal takes only source_labels and target_label"]);
    expect(problems({ action: "labeldrop", source_labels: ["a"], regex: "x" })).toEqual([
      "source_labels: action labeldrop takes only regex",
    ]);
    expect(problems({ action: "labelmap", replacement: "not-a-name" })).toEqual([
      'replacement: "not-a-name" is not a valid label name template for action labelmap',
    ]);
    expect(
      problems({ action: "hashmod", source_labels: ["a"], modulus: 2, target_label: "a-b" }),
    ).toEqual(['target_label: "a-b" is not a valid label name for action hashmod']);
    expect(problems({ target_label: "1abc" })).toEqual([
      'target_label: "1abc" is not a valid label name',
    ]);
  });

  it("rejects unknown actions, bad label names and a zero modulus", () => {
    expect(problems({ action: "rename" })[0]).toMatch(
      /^action: got string "rename"; want one of "replace"/,
    );
    expect(problems({ source_labels: ["ok", "not ok"], target_label: "x" })).toEqual([
      'source_labels.1: "not ok" is not a valid label name',
    ]);
    expect(problems({ action: "hashmod", modulus: 0, target_label: "x" })).toEqual([
      "modulus: got 0; want more than 0",
    ]);
  });
});
