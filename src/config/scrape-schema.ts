import { z } from "zod";
import { formatDuration } from "../lib/duration.js";
import type { ScrapeConfig } from "../scrape/index.js";
import { byteSizeField, durationField, LABEL_NAME_RE, limitField } from "./fields.js";
import type { KeyPath } from "./issues.js";
import { relabelConfigSchema } from "./relabel-schema.js";
import type { GlobalScrapeConfig } from "./server-schema.js";

/*
 * `scrape/*.yaml`: each file holds `scrape_configs:`, a list of Prometheus
 * scrape_config entries (static targets only). Keys and defaults follow the
 * Prometheus configuration docs; durations default to reddot.yaml `scrape`.
 */

const HOSTNAME_RE =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;
const IPV6_RE = /^\[[0-9A-Fa-f:.]+(?:%[\w.-]+)?\]$/;

/** Why `target` is not `host:port`, or undefined when it is. */
export function targetProblem(target: string): { message: string; hint: string } | undefined {
  const bad = (hint: string) => ({ message: `"${target}" is not host:port`, hint });
  if (target.includes("://")) {
    return bad("write host:port without the scheme; set scheme: https for TLS");
  }
  if (target.includes("/")) return bad("write host:port; the path goes in metrics_path");
  const colon = target.lastIndexOf(":");
  if (colon < 0 || target.endsWith("]")) return bad(`add the port, e.g. ${target}:9100`);
  const host = target.slice(0, colon);
  const portText = target.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    return bad("the port is a number from 1 to 65535");
  }
  if (!(HOSTNAME_RE.test(host) || IPV6_RE.test(host))) {
    return bad("the host is a name, an IPv4 address, or an IPv6 address in brackets: [::1]:9100");
  }
  return undefined;
}

const targetField = z.string().superRefine((t, ctx) => {
  const problem = targetProblem(t);
  if (problem !== undefined) {
    ctx.addIssue({
      code: "custom",
      input: t,
      message: problem.message,
      params: { hint: problem.hint },
    });
  }
});

// A record's keys are checked here rather than with a key schema so that each
// bad name is reported at its own key, with a hint.
const labelSetField = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME_RE.test(name)) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `"${name}" is not a valid label name`,
        params: {
          hint: "label names are letters, digits and _, not starting with a digit",
          target: "key",
        },
      });
    }
  }
});

const staticConfigSchema = z.strictObject({
  targets: z.array(targetField).default([]).describe("host:port of each target"),
  labels: labelSetField.default({}).describe("Labels added to every series of these targets"),
});

/** One scrape job as written (snake_case); intervals stay optional until global defaults apply. */
export const scrapeJobSchema = z
  .strictObject({
    job_name: z.string().min(1).describe("Unique name of the job; the job label of its series"),
    scrape_interval: durationField({ min: 1 })
      .optional()
      .describe("How often to scrape; default reddot.yaml scrape.interval"),
    scrape_timeout: durationField({ min: 1 })
      .optional()
      .describe(
        "Time allowed per scrape; default reddot.yaml scrape.timeout, at most scrape_interval",
      ),
    metrics_path: z
      .string()
      .startsWith("/", { error: "metrics_path must start with /" })
      .default("/metrics")
      .describe("HTTP path to scrape"),
    scheme: z.enum(["http", "https"]).default("http").describe("Protocol of the scrape requests"),
    params: z
      .record(z.string(), z.array(z.string()))
      .default({})
      .describe("URL query parameters: name to list of values"),
    honor_labels: z
      .boolean()
      .default(false)
      .describe("Keep the target's labels when they clash with server-attached ones"),
    honor_timestamps: z.boolean().default(true).describe("Keep timestamps the target exposes"),
    static_configs: z.array(staticConfigSchema).default([]).describe("Targets and their labels"),
    relabel_configs: z
      .array(relabelConfigSchema)
      .default([])
      .describe("Relabeling of targets before the scrape"),
    metric_relabel_configs: z
      .array(relabelConfigSchema)
      .default([])
      .describe("Relabeling of scraped series before storage"),
    sample_limit: limitField().default(0).describe("Most samples per scrape; 0 = no limit"),
    label_limit: limitField().default(0).describe("Most labels per series; 0 = no limit"),
    body_size_limit: byteSizeField()
      .prefault(0)
      .describe("Largest uncompressed body, e.g. 10MiB; 0 = the scraper's default"),
  })
  .describe("A Prometheus scrape_config");

/** A job as the schema outputs it, before global defaults. */
export type ParsedScrapeJob = z.output<typeof scrapeJobSchema>;

/** Schema of a whole `scrape/*.yaml` file, for editors. Loading parses job by job instead. */
export const scrapeFileSchema = z
  .strictObject({
    scrape_configs: z.array(scrapeJobSchema).default([]).describe("Scrape jobs"),
  })
  .describe("reddot scrape jobs (scrape/*.yaml)");

/** First pass over a scrape file: the list is taken apart here so each job is checked on its own. */
export const scrapeFileShallowSchema = z.strictObject({
  scrape_configs: z.array(z.unknown()).default([]),
});

/**
 * Keys of Prometheus' scrape_config that reddot does not read (service
 * discovery, auth, TLS...). Naming them beats a bare "unknown key".
 */
export const UNSUPPORTED_SCRAPE_KEYS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "authorization",
    "basic_auth",
    "oauth2",
    "tls_config",
    "proxy_url",
    "follow_redirects",
    "enable_http2",
    "enable_compression",
    "scrape_protocols",
    "target_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "keep_dropped_targets",
    "native_histogram_bucket_limit",
    "scrape_classic_histograms",
    "track_timestamps_staleness",
    "file_sd_configs",
    "http_sd_configs",
    "dns_sd_configs",
    "consul_sd_configs",
    "kubernetes_sd_configs",
    "ec2_sd_configs",
  ].map((k) => [k, `reddot does not support the Prometheus scrape_config key ${k} yet`]),
);

/** A problem found while resolving a job, at a path relative to the job. */
export interface JobIssue {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
}

/**
 * Applies the global defaults to a parsed job and checks what depends on them.
 * As in Prometheus, an unset scrape_timeout is the global timeout, lowered to
 * the job's interval when that is shorter.
 */
export function resolveScrapeJob(
  job: ParsedScrapeJob,
  global: GlobalScrapeConfig,
): { config: ScrapeConfig; issues: JobIssue[] } {
  const interval = job.scrape_interval ?? global.intervalMs;
  const timeout = job.scrape_timeout ?? Math.min(global.timeoutMs, interval);
  const issues: JobIssue[] = [];
  if (timeout > interval) {
    issues.push({
      path: ["scrape_timeout"],
      message: `${formatDuration(timeout)} is longer than scrape_interval ${formatDuration(interval)}`,
      hint: "a scrape must end before the next starts: lower scrape_timeout or raise scrape_interval",
    });
  }
  const config: ScrapeConfig = {
    jobName: job.job_name,
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    metricsPath: job.metrics_path,
    scheme: job.scheme,
    params: job.params,
    honorLabels: job.honor_labels,
    honorTimestamps: job.honor_timestamps,
    staticConfigs: job.static_configs.map((s) => ({ targets: s.targets, labels: s.labels })),
    relabelConfigs: job.relabel_configs,
    metricRelabelConfigs: job.metric_relabel_configs,
    sampleLimit: job.sample_limit,
    labelLimit: job.label_limit,
    bodySizeLimit: job.body_size_limit,
  };
  return { config, issues };
}
