import { resolve } from "node:path";
import { z } from "zod";
import { formatDuration } from "../lib/duration.js";
import { isReddotError } from "../lib/errors.js";
import { type AgentsConfig, agentsSchema } from "./agent-schema.js";
import { byteSizeField, durationField, limitField } from "./fields.js";
import { type ListenAddress, parseListenAddress } from "./listen-address.js";
import { type QueryConfig, querySchema } from "./query-schema.js";
import { type RulesSettings, rulesSettingsSchema } from "./rules-settings-schema.js";

/** When the WAL is fsynced: on a timer, before every acknowledgement (group commit), or never. */
export type FsyncMode = "interval" | "always" | "never";
/** Minimum level of log lines written. */
export type LogLevel = "debug" | "info" | "warn" | "error";
/** `json` for machines (pino's native lines), `pretty` for a terminal. */
export type LogFormat = "json" | "pretty";

/** Write-ahead log settings (`storage.wal`). */
export interface WalConfig {
  readonly fsync: FsyncMode;
  readonly fsyncIntervalMs: number;
  readonly segmentSizeBytes: number;
}

/** Caps on what the store accepts (`storage.limits`); 0 disables a cap. */
export interface StorageLimits {
  readonly maxSeries: number;
  readonly maxLabelsPerSeries: number;
  readonly maxLabelNameLength: number;
  readonly maxLabelValueLength: number;
  readonly maxSamplesPerRequest: number;
}

/** The embedded store (`storage`). `retentionMs`/`retentionBytes` 0 = keep forever / unlimited. */
export interface StorageConfig {
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly blockDurationMs: number;
  readonly outOfOrderWindowMs: number;
  readonly wal: WalConfig;
  readonly limits: StorageLimits;
}

/** Limits on Prometheus remote_write requests (`ingest.remote_write`). */
export interface RemoteWriteIngestConfig {
  /** Largest request body accepted, as sent (snappy-compressed). */
  readonly maxBodySizeBytes: number;
  /** Largest body after snappy decompression. */
  readonly maxDecompressedSizeBytes: number;
}

/** Ingest settings (`ingest`). */
export interface IngestConfig {
  readonly remoteWrite: RemoteWriteIngestConfig;
}

/** Global scrape defaults (`scrape`), used by jobs that do not set their own. */
export interface GlobalScrapeConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The server scraping its own `/metrics`. */
  readonly self: { readonly enabled: boolean; readonly intervalMs: number };
}

/** Logging (`log`). */
export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/** `reddot.yaml`, parsed: durations in ms, sizes in bytes, paths absolute. */
export interface ServerConfig {
  readonly listen: ListenAddress;
  /** Absolute; a relative `data_dir` is resolved against the process's working directory. */
  readonly dataDir: string;
  readonly storage: StorageConfig;
  readonly ingest: IngestConfig;
  readonly scrape: GlobalScrapeConfig;
  readonly query: QueryConfig;
  readonly log: LogConfig;
  readonly agents: AgentsConfig;
  /** HTTPS certificate and key (absolute paths); absent: plain HTTP. */
  readonly tls?: TlsConfig;
  /** `external_url`: base of links in notifications; absent: the listen URL. */
  readonly externalURL?: string;
  /** `rules`: rule manager defaults and the built-in rules. */
  readonly rules: RulesSettings;
}

/** `tls`: the server's certificate and key, PEM files. */
export interface TlsConfig {
  readonly certFile: string;
  readonly keyFile: string;
}

const MINUTE = 60_000;

const listenField = z.string().transform((text, ctx) => {
  try {
    return parseListenAddress(text, "listen");
  } catch (e) {
    if (!isReddotError(e)) throw e;
    ctx.addIssue({
      code: "custom",
      input: text,
      message: `"${text}" is not HOST:PORT`,
      params: { hint: "e.g. 127.0.0.1:9190, [::1]:9190, or :9190 for every interface" },
    });
    return z.NEVER;
  }
});

const walSchema = z
  .strictObject({
    fsync: z
      .enum(["interval", "always", "never"])
      .default("interval")
      .describe(
        "interval: fsync every fsync_interval; always: fsync before acknowledging a write (power-loss safe); never: leave it to the OS",
      ),
    fsync_interval: durationField({ min: 1 })
      .prefault("1s")
      .describe("How often the WAL is fsynced when fsync is interval"),
    segment_size: byteSizeField({ min: 64 * 1024, max: 2 ** 30 })
      .prefault("128MiB")
      .describe("Size at which a WAL segment file is closed and a new one started"),
  })
  .transform(
    (w): WalConfig => ({
      fsync: w.fsync,
      fsyncIntervalMs: w.fsync_interval,
      segmentSizeBytes: w.segment_size,
    }),
  );

const limitsSchema = z
  .strictObject({
    max_series: limitField().default(5_000_000).describe("Most series kept in memory; 0 = no cap"),
    max_labels_per_series: limitField()
      .default(128)
      .describe("Most labels on one series, name included; 0 = no cap"),
    max_label_name_length: limitField().default(1024).describe("Longest label name, in bytes"),
    max_label_value_length: limitField().default(4096).describe("Longest label value, in bytes"),
    max_samples_per_request: limitField()
      .default(2_000_000)
      .describe("Most samples in one ingest request; 0 = no cap"),
  })
  .transform(
    (l): StorageLimits => ({
      maxSeries: l.max_series,
      maxLabelsPerSeries: l.max_labels_per_series,
      maxLabelNameLength: l.max_label_name_length,
      maxLabelValueLength: l.max_label_value_length,
      maxSamplesPerRequest: l.max_samples_per_request,
    }),
  );

const storageSchema = z
  .strictObject({
    retention: durationField()
      .prefault("15d")
      .describe("How long samples are kept; 0s = keep forever"),
    retention_size: byteSizeField()
      .prefault("0")
      .describe("Most bytes of blocks kept on disk, oldest deleted first; 0 = unlimited"),
    block_duration: durationField({ min: MINUTE, max: 31 * 24 * 60 * MINUTE })
      .prefault("2h")
      .describe("Time span of the in-memory head before it is written out as a block"),
    out_of_order_window: durationField()
      .prefault("30m")
      .describe("How far behind the newest sample a sample may still be accepted; 0s = none"),
    wal: walSchema.prefault({}).describe("Write-ahead log"),
    limits: limitsSchema.prefault({}).describe("Caps on what the store accepts"),
  })
  .superRefine((s, ctx) => {
    // Retention deletes whole blocks, so it cannot be finer than one block.
    if (s.retention !== 0 && s.retention < s.block_duration) {
      ctx.addIssue({
        code: "custom",
        path: ["retention"],
        message: `${formatDuration(s.retention)} is shorter than block_duration ${formatDuration(s.block_duration)}`,
        params: { hint: "retention must be 0s (forever) or at least block_duration" },
      });
    }
  })
  .transform(
    (s): StorageConfig => ({
      retentionMs: s.retention,
      retentionBytes: s.retention_size,
      blockDurationMs: s.block_duration,
      outOfOrderWindowMs: s.out_of_order_window,
      wal: s.wal,
      limits: s.limits,
    }),
  );

const ingestSchema = z
  .strictObject({
    remote_write: z
      .strictObject({
        max_body_size: byteSizeField({ min: 1024 })
          .prefault("32MiB")
          .describe("Largest remote_write request body, compressed"),
        max_decompressed_size: byteSizeField({ min: 1024 })
          .prefault("256MiB")
          .describe("Largest remote_write body after snappy decompression"),
      })
      .transform(
        (r): RemoteWriteIngestConfig => ({
          maxBodySizeBytes: r.max_body_size,
          maxDecompressedSizeBytes: r.max_decompressed_size,
        }),
      )
      .prefault({})
      .describe("Prometheus remote_write receiver (/api/v1/write)"),
  })
  .transform((i): IngestConfig => ({ remoteWrite: i.remote_write }));

/** Default global scrape timeout, lowered to the interval when that is shorter. */
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

const scrapeSchema = z
  .strictObject({
    interval: durationField({ min: 1 })
      .prefault("15s")
      .describe("Default scrape_interval of scrape jobs"),
    timeout: durationField({ min: 1 })
      .optional()
      .describe(
        "Default scrape_timeout of scrape jobs: at most interval; default 10s, or interval if shorter",
      ),
    self: z
      .strictObject({
        enabled: z.boolean().default(true).describe("Scrape the server's own /metrics"),
        interval: durationField({ min: 1 }).prefault("15s").describe("How often"),
      })
      .prefault({})
      .describe("The server scraping its own /metrics into its own store"),
  })
  .superRefine((s, ctx) => {
    if (s.timeout !== undefined && s.timeout > s.interval) {
      ctx.addIssue({
        code: "custom",
        path: ["timeout"],
        message: `${formatDuration(s.timeout)} is longer than interval ${formatDuration(s.interval)}`,
        params: { hint: "a scrape must end before the next one starts; lower timeout" },
      });
    }
  })
  .transform(
    (s): GlobalScrapeConfig => ({
      intervalMs: s.interval,
      timeoutMs: s.timeout ?? Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, s.interval),
      self: { enabled: s.self.enabled, intervalMs: s.self.interval },
    }),
  );

const logSchema = z.strictObject({
  level: z.enum(["debug", "info", "warn", "error"]).default("info").describe("Minimum level"),
  format: z
    .enum(["json", "pretty"])
    .default("json")
    .describe("json: one JSON object a line; pretty: for a terminal"),
});

/** Schema of `reddot.yaml`: snake_case keys in, a `ServerConfig` out. Every key is optional. */
export const serverConfigSchema = z
  .strictObject({
    listen: listenField
      .prefault("127.0.0.1:9190")
      .describe("HOST:PORT the HTTP server listens on; --listen overrides"),
    data_dir: z
      .string()
      .min(1)
      .default("./data")
      .describe(
        "Where the store keeps its files; relative to the working directory of the process, not to the config directory; --data overrides",
      ),
    storage: storageSchema.prefault({}).describe("The embedded time-series store"),
    ingest: ingestSchema.prefault({}).describe("Data sent to the server"),
    scrape: scrapeSchema.prefault({}).describe("Global scrape defaults"),
    query: querySchema.prefault({}).describe("PromQL engine and query API"),
    log: logSchema.prefault({}).describe("Logging"),
    agents: agentsSchema.prefault({}).describe("reddot agents: tokens, default roles, report size"),
    tls: z
      .strictObject({
        cert_file: z
          .string()
          .min(1)
          .describe("PEM certificate (chain first to last), relative to the working directory"),
        key_file: z.string().min(1).describe("PEM private key of the certificate"),
      })
      .optional()
      .describe("Serve HTTPS instead of HTTP; the files are read again on reload"),
    external_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional()
      .describe("URL reddot is reached at, for links in notifications (default: the listen URL)"),
    rules: rulesSettingsSchema
      .prefault({})
      .describe("Rule evaluation defaults, external labels and the built-in rules"),
  })
  .transform(
    (c): ServerConfig => ({
      listen: c.listen,
      dataDir: resolve(c.data_dir),
      storage: c.storage,
      ingest: c.ingest,
      scrape: c.scrape,
      query: c.query,
      log: c.log,
      agents: c.agents,
      ...(c.tls === undefined
        ? {}
        : { tls: { certFile: resolve(c.tls.cert_file), keyFile: resolve(c.tls.key_file) } }),
      ...(c.external_url === undefined ? {} : { externalURL: c.external_url.replace(/\/+$/, "") }),
      rules: c.rules,
    }),
  )
  .describe("reddot server configuration (reddot.yaml)");

/** The configuration used when `reddot.yaml` is absent or empty. */
export function defaultServerConfig(): ServerConfig {
  return serverConfigSchema.parse({});
}
