/**
 * Scrape configuration as the config loader (src/config) produces it from
 * `scrape/*.yaml`: Prometheus `scrape_config` keys, camelCased, defaults filled
 * in, durations in milliseconds. See docs/scrape.md for each key.
 */

/**
 * One relabeling step (Prometheus `relabel_config`). The regex is written in
 * Go RE2 syntax, as in Prometheus files, and is matched against the whole
 * input (anchored on both ends).
 */
export interface RelabelConfig {
  sourceLabels: string[];
  /** Joins the source label values; default ";". */
  separator: string;
  /** Default "(.*)". */
  regex: string;
  /** Required (> 0) for `hashmod`. */
  modulus?: number;
  /** Required for replace, hashmod, lowercase, uppercase, keepequal, dropequal. */
  targetLabel?: string;
  /** Default "$1". */
  replacement: string;
  action:
    | "replace"
    | "keep"
    | "drop"
    | "keepequal"
    | "dropequal"
    | "hashmod"
    | "labelmap"
    | "labeldrop"
    | "labelkeep"
    | "lowercase"
    | "uppercase";
}

/** One scrape job (Prometheus `scrape_config`, static targets only). */
export interface ScrapeConfig {
  jobName: string;
  /** Milliseconds. */
  scrapeInterval: number;
  /** Milliseconds; at most scrapeInterval. */
  scrapeTimeout: number;
  metricsPath: string;
  scheme: "http" | "https";
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  staticConfigs: {
    /** `host:port` each. */
    targets: string[];
    labels: Record<string, string>;
  }[];
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  /** Most samples one scrape may keep after metric relabeling; 0 = no limit. */
  sampleLimit: number;
  /** Most labels one series may have (incl. __name__); 0 = no limit. */
  labelLimit: number;
  /** Bytes of uncompressed body; 0 = the default, 64 MiB. */
  bodySizeLimit: number;
  /**
   * Skip TLS certificate checks. Not settable from scrape files: only the
   * server's scrape of its own /metrics over loopback uses it, when it serves HTTPS.
   */
  insecureSkipVerify?: boolean;
}
