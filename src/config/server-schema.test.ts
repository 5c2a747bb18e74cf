import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfigDir } from "./loader.js";
import { rulesSettingsSchema } from "./rules-settings-schema.js";
import { defaultServerConfig } from "./server-schema.js";
import { tempRepos } from "./testing.js";

const repos = tempRepos();
afterAll(() => repos.cleanup());
const repo = repos.create;

describe("reddot.yaml", () => {
  it("has documented defaults", () => {
    expect(defaultServerConfig()).toEqual({
      listen: { host: "127.0.0.1", port: 9190 },
      dataDir: resolve("data"),
      storage: {
        retentionMs: 15 * 86_400_000,
        retentionBytes: 0,
        blockDurationMs: 2 * 3_600_000,
        outOfOrderWindowMs: 30 * 60_000,
        wal: { fsync: "interval", fsyncIntervalMs: 1000, segmentSizeBytes: 128 * 2 ** 20 },
        limits: {
          maxSeries: 5_000_000,
          maxLabelsPerSeries: 128,
          maxLabelNameLength: 1024,
          maxLabelValueLength: 4096,
          maxSamplesPerRequest: 2_000_000,
        },
      },
      ingest: {
        remoteWrite: { maxBodySizeBytes: 32 * 2 ** 20, maxDecompressedSizeBytes: 256 * 2 ** 20 },
      },
      scrape: {
        intervalMs: 15_000,
        timeoutMs: 10_000,
        self: { enabled: true, intervalMs: 15_000 },
      },
      query: {
        lookbackDeltaMs: 5 * 60_000,
        timeoutMs: 2 * 60_000,
        maxSamples: 50_000_000,
        maxPointsPerSeries: 11_000,
        experimentalFeatures: false,
      },
      log: { level: "info", format: "json" },
      agents: { tokens: [], defaultRoles: ["default"], maxReportBytes: 16 * 1024 * 1024 },
      rules: rulesSettingsSchema.parse({}),
    });
  });

  it("matches the complete file of defaults shown in docs/config.md", async () => {
    const doc = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "config.md");
    const text = await readFile(doc, "utf8");
    const block = /every default written out:\n\n```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(block).toBeDefined();
    const loaded = await loadConfigDir(await repo({ "reddot.yaml": block ?? "" }));
    expect(loaded.server).toEqual(defaultServerConfig());
  });

  it("uses the defaults when reddot.yaml is absent, empty, or holds only comments", async () => {
    const variants: Record<string, string>[] = [
      {},
      { "reddot.yaml": "" },
      { "reddot.yaml": "# nothing yet\n" },
    ];
    for (const files of variants) {
      const loaded = await loadConfigDir(await repo(files));
      expect(loaded.server).toEqual(defaultServerConfig());
      expect(loaded.scrape).toEqual([]);
    }
  });

  it("parses every key", async () => {
    const dir = await repo({
      "reddot.yaml": `
listen: "[::1]:9999"
data_dir: /var/lib/reddot
storage:
  retention: 0s
  retention_size: 10GiB
  block_duration: 1h
  out_of_order_window: 5m
  wal:
    fsync: always
    fsync_interval: 250ms
    segment_size: 64MiB
  limits:
    max_series: 10
    max_labels_per_series: 11
    max_label_name_length: 12
    max_label_value_length: 13
    max_samples_per_request: 0
ingest:
  remote_write:
    max_body_size: 1MiB
    max_decompressed_size: 8388608
scrape:
  interval: 30s
  timeout: 30s
  self:
    enabled: false
    interval: 1m
query:
  lookback_delta: 1m
  timeout: 30s
  max_samples: 1000
  max_points_per_series: 500
  experimental_features: true
log:
  level: debug
  format: pretty
`,
    });
    const loaded = await loadConfigDir(dir);
    expect(loaded.server).toEqual({
      listen: { host: "::1", port: 9999 },
      dataDir: "/var/lib/reddot",
      storage: {
        retentionMs: 0,
        retentionBytes: 10 * 2 ** 30,
        blockDurationMs: 3_600_000,
        outOfOrderWindowMs: 300_000,
        wal: { fsync: "always", fsyncIntervalMs: 250, segmentSizeBytes: 64 * 2 ** 20 },
        limits: {
          maxSeries: 10,
          maxLabelsPerSeries: 11,
          maxLabelNameLength: 12,
          maxLabelValueLength: 13,
          maxSamplesPerRequest: 0,
        },
      },
      ingest: { remoteWrite: { maxBodySizeBytes: 2 ** 20, maxDecompressedSizeBytes: 8 * 2 ** 20 } },
      scrape: {
        intervalMs: 30_000,
        timeoutMs: 30_000,
        self: { enabled: false, intervalMs: 60_000 },
      },
      query: {
        lookbackDeltaMs: 60_000,
        timeoutMs: 30_000,
        maxSamples: 1000,
        maxPointsPerSeries: 500,
        experimentalFeatures: true,
      },
      log: { level: "debug", format: "pretty" },
      agents: { tokens: [], defaultRoles: ["default"], maxReportBytes: 16 * 1024 * 1024 },
      rules: rulesSettingsSchema.parse({}),
    });
    expect(loaded.files).toEqual([join(dir, "reddot.yaml")]);
    expect(loaded.dir).toBe(dir);
  });

  it("resolves a relative data_dir against the working directory, not the config directory", async () => {
    const loaded = await loadConfigDir(await repo({ "reddot.yaml": "data_dir: ./somewhere\n" }));
    expect(loaded.server.dataDir).toBe(join(process.cwd(), "somewhere"));
  });

  it("lowers the default scrape timeout to a shorter interval", async () => {
    const loaded = await loadConfigDir(await repo({ "reddot.yaml": "scrape:\n  interval: 5s\n" }));
    expect(loaded.server.scrape).toMatchObject({ intervalMs: 5000, timeoutMs: 5000 });
  });

  it("keeps unset keys of a partly written section at their defaults", async () => {
    const loaded = await loadConfigDir(
      await repo({ "reddot.yaml": "storage:\n  wal:\n    fsync: never\n" }),
    );
    expect(loaded.server.storage.wal).toEqual({
      fsync: "never",
      fsyncIntervalMs: 1000,
      segmentSizeBytes: 128 * 2 ** 20,
    });
    expect(loaded.server.storage.retentionMs).toBe(15 * 86_400_000);
  });
});

describe("empty values", () => {
  it("reads a key with no value as absent, so a section with everything commented out is defaults", async () => {
    const text = "storage:\n  # retention: 30d\nlog:\n  level:\n";
    const loaded = await loadConfigDir(await repo({ "reddot.yaml": text }));
    expect(loaded.server).toEqual(defaultServerConfig());
  });
});
