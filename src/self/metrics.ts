import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { DbStats } from "../storage/index.js";

/** What self-monitoring reads from the store. */
export interface StoreStatsSource {
  stats(): DbStats;
}

/** The server's own metrics, served at /metrics and scraped by the server itself. */
export interface SelfMetrics {
  readonly registry: Registry;
  /** Counts one remote-write request by status code. */
  remoteWrite(status: number, samples: number): void;
}

/** Builds the registry: process metrics plus the store's counters, read at scrape time. */
export function createSelfMetrics(store: StoreStatsSource, version: string): SelfMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stat = (
    name: string,
    help: string,
    pick: (s: ReturnType<StoreStatsSource["stats"]>) => number,
    counter = false,
  ) => {
    new Gauge({
      name,
      help: counter ? `${help} (counter)` : help,
      registers: [registry],
      collect() {
        this.set(pick(store.stats()));
      },
    });
  };
  new Gauge({
    name: "reddot_build_info",
    help: "Build information; always 1.",
    labelNames: ["version"],
    registers: [registry],
  }).set({ version }, 1);
  stat("reddot_tsdb_head_series", "Series in the head.", (s) => s.headSeries);
  stat(
    "reddot_tsdb_head_samples_appended_total",
    "Samples appended to the head.",
    (s) => s.headSamplesAppended,
    true,
  );
  stat("reddot_tsdb_blocks_loaded", "Blocks on disk.", (s) => s.blocks);
  stat("reddot_tsdb_storage_blocks_bytes", "Bytes taken by blocks on disk.", (s) => s.blockBytes);
  stat("reddot_tsdb_compactions_total", "Block compactions done.", (s) => s.compactions, true);
  stat(
    "reddot_tsdb_compactions_failed_total",
    "Compaction passes that failed.",
    (s) => s.compactionFailures,
    true,
  );
  stat(
    "reddot_tsdb_head_truncations_total",
    "Head blocks persisted.",
    (s) => s.headCompactions,
    true,
  );
  stat(
    "reddot_tsdb_retention_deletions_total",
    "Blocks deleted by retention.",
    (s) => s.retentionDeletions,
    true,
  );
  stat(
    "reddot_tsdb_wal_bytes_written_total",
    "Bytes written to the WAL.",
    (s) => s.walBytesWritten,
    true,
  );
  stat("reddot_tsdb_wal_fsyncs_total", "WAL fsync calls.", (s) => s.walFsyncs, true);
  stat(
    "reddot_tsdb_wal_write_failures_total",
    "WAL writes that failed; their commits were refused.",
    (s) => s.walWriteFailures,
    true,
  );
  stat(
    "reddot_tsdb_wal_torn_tails_repaired_total",
    "Torn WAL tails cut at replay.",
    (s) => s.walTornTailsRepaired,
    true,
  );
  stat("reddot_tsdb_head_max_time_seconds", "Newest sample time in the head.", (s) =>
    Number.isFinite(s.headMaxTime) ? s.headMaxTime / 1000 : 0,
  );
  new Gauge({
    name: "reddot_tsdb_refused_samples_total",
    help: "Samples refused by the store, by reason (counter).",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      const refused = store.stats().refused;
      for (const reason of [
        "out_of_bounds",
        "out_of_order",
        "series_limit",
        "label_limit",
        "label_length",
        "samples_per_request",
      ]) {
        this.set({ reason }, refused[reason] ?? 0);
      }
    },
  });
  const writes = new Counter({
    name: "reddot_remote_write_requests_total",
    help: "Remote-write requests answered, by status code.",
    labelNames: ["code"],
    registers: [registry],
  });
  const writeSamples = new Counter({
    name: "reddot_remote_write_samples_total",
    help: "Samples written through remote write.",
    registers: [registry],
  });
  return {
    registry,
    remoteWrite(status, samples) {
      writes.inc({ code: String(status) });
      writeSamples.inc(samples);
    },
  };
}
