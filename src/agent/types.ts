/**
 * What the agent collects and reports, shared by its collectors, its check
 * runners, its transport and the server's agent endpoint. Data model:
 * docs/design.md, "Data model" (check results, keepalive, facts).
 */

/** One sample collected on the host, before it is sent. Times are ms. */
export interface AgentSample {
  /** Metric name; node_exporter's where one exists (`node_load1`, ...). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly t: number;
  readonly v: number;
}

/** The Nagios plugin contract: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
export type CheckStatus = 0 | 1 | 2 | 3;

export const CHECK_STATUS_NAMES: Readonly<Record<CheckStatus, string>> = {
  0: "OK",
  1: "WARNING",
  2: "CRITICAL",
  3: "UNKNOWN",
};

/** One perfdata item: `'label'=value[UOM];[warn];[crit];[min];[max]`. */
export interface PerfDatum {
  readonly label: string;
  readonly value: number;
  /** Unit of measure as written (`s`, `ms`, `%`, `B`, `KB`, `c`, ...), "" when none. */
  readonly uom: string;
  /** Threshold ranges as written (Nagios range syntax, e.g. `10`, `10:`, `~:10`, `@10:20`). */
  readonly warn?: string;
  readonly crit?: string;
  readonly min?: number;
  readonly max?: number;
}

/** The outcome of one run of a check. */
export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  /** First line of output (before any `|`), trimmed. */
  readonly output: string;
  /** The lines after the first (perfdata removed), bounded in size. */
  readonly longOutput: string;
  readonly perfdata: readonly PerfDatum[];
  /** Wall-clock start (ms since epoch) and duration (ms). */
  readonly startedAt: number;
  readonly durationMs: number;
}

/** What every check definition has. Durations in ms. */
interface CheckCommon {
  /** Unique per host; becomes the `check` label. */
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** A Nagios-compatible plugin: an executable found in one of the agent's plugin directories, run without a shell. */
export interface PluginCheckSpec extends CheckCommon {
  readonly kind: "plugin";
  /** File name of the plugin (no path separators), looked up in the configured plugin directories. */
  readonly command: string;
  readonly args: readonly string[];
}

export type BuiltinCheckName =
  | "disk"
  | "readonly_mounts"
  | "load"
  | "memory"
  | "process"
  | "systemd_unit"
  | "tcp"
  | "http"
  | "file_age"
  | "puppet";

/** A check built into the agent; `params` are validated by the builtin itself. */
export interface BuiltinCheckSpec extends CheckCommon {
  readonly kind: "builtin";
  readonly builtin: BuiltinCheckName;
  readonly params: Readonly<Record<string, unknown>>;
}

export type CheckSpec = PluginCheckSpec | BuiltinCheckSpec;

/** Host facts: one JSON document per host (keys: `os`, `kernel`, `cpu`, `memory`, `disks`, `mounts`, `interfaces`, `packages`, `services`, `facter`, `custom`). */
export type Facts = Readonly<Record<string, unknown>>;

/** One change between two fact documents, by JSON path (`os.version_id`, `packages.openssl`). */
export interface FactChange {
  readonly path: string;
  /** Absent for a fact that appeared. */
  readonly before?: unknown;
  /** Absent for a fact that went away. */
  readonly after?: unknown;
}
