/** Shared shapes of the rule engine: alerts, what is sent, what is persisted. */

/** Prometheus's alert states; `inactive` alerts are resolved ones kept for sending. */
export type AlertState = "inactive" | "pending" | "firing";

/** Rule health as Prometheus reports it. */
export type RuleHealth = "ok" | "err" | "unknown";

/** One alert of an alerting rule. Times in ms since the epoch. */
export interface Alert {
  /** labelsKey-derived hex id of `labels`, stable across restarts. */
  readonly fingerprint: string;
  /** Final labels: the sample's (no __name__), the rule's (templated), alertname. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  /** When the condition was first seen (start of pending). */
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  lastSentAt?: number;
  /** Set while a firing alert is held by keep_firing_for after its condition cleared. */
  keepFiringSince?: number;
  /** Until when the last notification is valid (not persisted). */
  validUntil?: number;
  /** The sample value of the last evaluation that returned the alert. */
  value: number;
}

/** What the notification hook receives (Alertmanager's postable alert, ms). */
export interface OutgoingAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
}

/** One alert as persisted (see AlertStateStore). */
export interface StoredAlertState {
  /** The rule's key (see ruleKey in docs/rules.md). */
  ruleKey: string;
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  lastSentAt?: number;
  keepFiringSince?: number;
  value: number;
}

/**
 * A change to one rule's persisted alerts: with `replace`, `upsert` becomes
 * the rule's whole list; otherwise `upsert` alerts are inserted or replaced
 * (by fingerprint) and the `remove` fingerprints deleted.
 */
export interface AlertStateChange {
  ruleKey: string;
  replace: boolean;
  upsert: readonly StoredAlertState[];
  remove: readonly string[];
}

/**
 * Where alert state survives a restart. `save` replaces every alert of one
 * rule (an empty list deletes them); `apply` makes several rules' changes
 * at once (one transaction where the store has them); `load` returns all.
 */
export interface AlertStateStore {
  load(): Promise<StoredAlertState[]>;
  save(ruleKey: string, alerts: readonly StoredAlertState[]): Promise<void>;
  apply(changes: readonly AlertStateChange[]): Promise<void>;
}

/**
 * Expands one alert template (the template package's `expandAlertTemplate`).
 * Errors become the expansion text, as Prometheus does.
 */
export type TemplateExpander = (
  name: string,
  text: string,
  data: TemplateData,
  opts?: {
    query?: (expr: string) => Promise<{ labels: Record<string, string>; value: number }[]>;
    now?: () => number;
  },
) => Promise<string>;

/** What templates see as `$labels`, `$externalLabels`, `$externalURL`, `$value`. */
export interface TemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number;
}
