/**
 * Self-metrics of rules, notifications and the data directory's disk, read at
 * scrape time. The built-in `self` rules (src/rules/builtin) alert on them.
 */
import { statfsSync } from "node:fs";
import { Gauge, type Registry } from "prom-client";

/** What the rule manager and the notifier count, as plain numbers. */
export interface AlertingStatsSource {
  rules(): {
    readonly evaluations: number;
    readonly failures: number;
    readonly missedIterations: number;
    readonly stateSaveFailures: number;
  };
  notifier(): {
    readonly alertsReceived: number;
    readonly alertsInvalid: number;
    /** Keyed `receiver/integration`. */
    readonly sent: ReadonlyMap<string, number>;
    readonly failed: ReadonlyMap<string, number>;
  };
}

export function registerAlertingMetrics(registry: Registry, source: AlertingStatsSource): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help: `${help} (counter)`,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  counter("reddot_rule_evaluations_total", "Rule evaluations.", () => source.rules().evaluations);
  counter(
    "reddot_rule_evaluation_failures_total",
    "Rule evaluations that failed.",
    () => source.rules().failures,
  );
  counter(
    "reddot_rule_group_iterations_missed_total",
    "Group evaluations skipped because the previous one was still running.",
    () => source.rules().missedIterations,
  );
  counter(
    "reddot_alert_state_save_failures_total",
    "Alert state writes to the metadata DB that failed.",
    () => source.rules().stateSaveFailures,
  );
  counter(
    "reddot_alerts_received_total",
    "Alerts handed to the notifier.",
    () => source.notifier().alertsReceived,
  );
  counter(
    "reddot_alerts_invalid_total",
    "Alerts the notifier refused as invalid.",
    () => source.notifier().alertsInvalid,
  );
  for (const [name, help, pick] of [
    ["reddot_notifications_total", "Notifications delivered.", "sent"],
    ["reddot_notifications_failed_total", "Notifications given up after retries.", "failed"],
  ] as const) {
    new Gauge({
      name,
      help: `${help} (counter)`,
      labelNames: ["receiver", "integration"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, n] of source.notifier()[pick]) {
          const slash = key.lastIndexOf("/");
          this.set({ receiver: key.slice(0, slash), integration: key.slice(slash + 1) }, n);
        }
      },
    });
  }
}

/** Size and free space of the filesystem holding `dir` (for ReddotDataDiskFull). */
export function registerDataDirMetrics(registry: Registry, dir: string): void {
  const read = (pick: (s: { blocks: number; bavail: number; bsize: number }) => number) => {
    try {
      const s = statfsSync(dir);
      return pick({ blocks: Number(s.blocks), bavail: Number(s.bavail), bsize: Number(s.bsize) });
    } catch {
      // The directory vanished or the mount hangs up: no figure rather than a wrong one.
      return Number.NaN;
    }
  };
  new Gauge({
    name: "reddot_data_dir_size_bytes",
    help: "Size of the filesystem holding data_dir.",
    registers: [registry],
    collect() {
      this.set(read((s) => s.blocks * s.bsize));
    },
  });
  new Gauge({
    name: "reddot_data_dir_avail_bytes",
    help: "Bytes of the filesystem holding data_dir available to reddot.",
    registers: [registry],
    collect() {
      this.set(read((s) => s.bavail * s.bsize));
    },
  });
}
