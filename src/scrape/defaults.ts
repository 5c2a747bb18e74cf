import type { RelabelConfig, ScrapeConfig } from "./types.js";

/**
 * A scrape job with Prometheus' defaults (15 s interval, 10 s timeout,
 * /metrics over http, no limits) for everything `over` does not set. For jobs
 * built in code (the server's own self-scrape) and tests; jobs from files get
 * their defaults from the config loader.
 */
export function scrapeJob(over: Partial<ScrapeConfig> & { jobName: string }): ScrapeConfig {
  return {
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
    ...over,
  };
}

/** A relabel step with Prometheus' defaults (`replace`, `(.*)`, `$1`, `;`) for what `over` does not set. */
export function relabelRule(over: Partial<RelabelConfig>): RelabelConfig {
  return {
    sourceLabels: [],
    separator: ";",
    regex: "(.*)",
    replacement: "$1",
    action: "replace",
    ...over,
  };
}
