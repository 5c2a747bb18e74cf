import { createHash } from "node:crypto";
import type { RuleConfig } from "../config/index.js";
import type { Expr } from "../promql/index.js";
import { type Labels, labelsFromRecord, labelsKey } from "../storage/index.js";
import { RuleEvalError, type RuleSample } from "./recording.js";
import type {
  Alert,
  AlertState,
  AlertStateChange,
  OutgoingAlert,
  StoredAlertState,
  TemplateData,
  TemplateExpander,
} from "./types.js";

/** Resolved alerts are kept (and resent) this long, as Prometheus's resolvedRetention. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** What an alerting rule needs from its group for one evaluation. */
export interface AlertEvalContext {
  /** Evaluation time (ms); the query runs at `t - queryOffset`. */
  readonly t: number;
  readonly queryOffset: number;
  readonly limit: number;
  /** Runs the rule's expression at a time. */
  query(expr: Expr, text: string, at: number): Promise<{ labels: Labels; v: number }[]>;
  readonly expand: TemplateExpander;
  readonly templateQuery: (
    expr: string,
  ) => Promise<{ labels: Record<string, string>; value: number }[]>;
  readonly externalLabels: Record<string, string>;
  readonly externalURL: string;
}

/**
 * An alerting rule with Prometheus's state machine (rules/alerting.go):
 * inactive → pending → firing, `for`, `keep_firing_for`, resolved alerts kept
 * RESOLVED_RETENTION_MS for sending.
 */
export class AlertingRule {
  readonly config: RuleConfig;
  readonly expr: Expr;
  /** Active alerts (pending, firing, and resolved ones retained), by labels key. */
  readonly active = new Map<string, Alert>();
  /** Series labels per alert (an alert's labels never change); gone with the alert. */
  private readonly series = new WeakMap<Alert, AlertSeries>();

  constructor(config: RuleConfig, expr: Expr) {
    this.config = config;
    this.expr = expr;
  }

  /** Restores persisted alerts (see docs/rules.md, "State across restarts"). */
  restore(stored: readonly StoredAlertState[]): void {
    for (const s of stored) {
      const key = labelsKey(labelsFromRecord(s.labels));
      this.active.set(key, {
        fingerprint: s.fingerprint,
        labels: { ...s.labels },
        annotations: { ...s.annotations },
        state: s.state,
        activeAt: s.activeAt,
        ...(s.firedAt !== undefined ? { firedAt: s.firedAt } : {}),
        ...(s.resolvedAt !== undefined ? { resolvedAt: s.resolvedAt } : {}),
        ...(s.lastSentAt !== undefined ? { lastSentAt: s.lastSentAt } : {}),
        ...(s.keepFiringSince !== undefined ? { keepFiringSince: s.keepFiringSince } : {}),
        value: s.value,
      });
    }
  }

  /** The alerts as persisted. */
  snapshot(ruleKey: string): StoredAlertState[] {
    return [...this.active.values()].map((a) => storedAlert(ruleKey, a));
  }

  /**
   * What changed in the persisted alerts since `persisted` (fingerprint →
   * persistedKey of what was last written; undefined: unknown, so replace
   * all), and the map to keep once the change is written. An alert is
   * rewritten when its state or times change, not for a new value or
   * annotation alone (those are recomputed at the first evaluation after a
   * restart), so a steady evaluation writes nothing.
   */
  stateChange(
    ruleKey: string,
    persisted: ReadonlyMap<string, string> | undefined,
  ): { change?: AlertStateChange; next: Map<string, string> } {
    const next = new Map<string, string>();
    const upsert: StoredAlertState[] = [];
    for (const a of this.active.values()) {
      const k = persistedKey(a);
      next.set(a.fingerprint, k);
      if (persisted === undefined || persisted.get(a.fingerprint) !== k) {
        upsert.push(storedAlert(ruleKey, a));
      }
    }
    if (persisted === undefined)
      return { change: { ruleKey, replace: true, upsert, remove: [] }, next };
    const remove: string[] = [];
    for (const fp of persisted.keys()) if (!next.has(fp)) remove.push(fp);
    if (upsert.length === 0 && remove.length === 0) return { next };
    return { change: { ruleKey, replace: false, upsert, remove }, next };
  }

  /**
   * Evaluates at `ctx.t`; returns the ALERTS and ALERTS_FOR_STATE samples
   * (timestamped `t - queryOffset`). Throws RuleEvalError on duplicate label
   * sets or an exceeded limit.
   */
  async eval(ctx: AlertEvalContext): Promise<RuleSample[]> {
    const { t } = ctx;
    const result = await ctx.query(this.expr, this.config.expr, t - ctx.queryOffset);
    const seen = new Map<string, Alert>();
    for (const s of result) {
      const sampleLabels: Record<string, string> = {};
      for (const l of s.labels) if (l.name !== "__name__") sampleLabels[l.name] = l.value;
      const data: TemplateData = {
        labels: sampleLabels,
        externalLabels: ctx.externalLabels,
        externalURL: ctx.externalURL,
        value: s.v,
      };
      const final = { ...sampleLabels };
      for (const [k, v] of Object.entries(this.config.labels)) {
        final[k] = await this.expandOne(ctx, v, data);
      }
      final.alertname = this.config.name;
      const labels = labelsFromRecord(final);
      const key = labelsKey(labels);
      if (seen.has(key)) {
        throw new RuleEvalError(
          "vector contains metrics with the same labelset after applying alert labels",
        );
      }
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.config.annotations)) {
        annotations[k] = await this.expandOne(ctx, v, data);
      }
      const clean: Record<string, string> = {};
      for (const l of labels) clean[l.name] = l.value;
      seen.set(key, {
        // A known alert's fingerprint is reused: no hash per alert per evaluation.
        fingerprint: this.active.get(key)?.fingerprint ?? fingerprintOf(key),
        labels: clean,
        annotations,
        state: "pending",
        activeAt: t,
        value: s.v,
      });
    }
    for (const [key, a] of seen) {
      const existing = this.active.get(key);
      if (existing !== undefined && existing.state !== "inactive") {
        existing.value = a.value;
        existing.annotations = a.annotations;
        continue;
      }
      this.active.set(key, a);
    }
    return this.advance(ctx, seen);
  }

  // The second half of Prometheus's AlertingRule.Eval: state transitions.
  private advance(ctx: AlertEvalContext, seen: ReadonlyMap<string, Alert>): RuleSample[] {
    const { t } = ctx;
    const out: RuleSample[] = [];
    let numActive = 0;
    for (const [key, a] of this.active) {
      if (!seen.has(key)) {
        let keepFiring = false;
        if (a.state === "firing" && this.config.keepFiringFor > 0) {
          if (a.keepFiringSince === undefined) a.keepFiringSince = t;
          keepFiring = t - a.keepFiringSince < this.config.keepFiringFor;
        }
        if (
          a.state === "pending" ||
          (a.resolvedAt !== undefined && t - a.resolvedAt > RESOLVED_RETENTION_MS)
        ) {
          this.active.delete(key);
        }
        if (a.state !== "inactive" && !keepFiring) {
          a.state = "inactive";
          a.resolvedAt = t;
        }
        if (!keepFiring) continue;
      } else {
        delete a.keepFiringSince;
      }
      numActive++;
      if (a.state === "pending" && t - a.activeAt >= this.config.for) {
        a.state = "firing";
        a.firedAt = t;
      }
      const at = t - ctx.queryOffset;
      const series = this.seriesOf(a);
      out.push({ labels: series.alerts, key: series.alertsKey, t: at, v: 1 });
      out.push({
        labels: series.forState,
        key: series.forStateKey,
        t: at,
        v: Math.floor(a.activeAt / 1000),
      });
    }
    if (ctx.limit > 0 && numActive > ctx.limit) {
      this.active.clear();
      throw new RuleEvalError(`exceeded limit of ${ctx.limit} with ${numActive} alerts`);
    }
    return out;
  }

  /** The ALERTS and ALERTS_FOR_STATE label sets of an alert, built once per alert and state. */
  private seriesOf(a: Alert): AlertSeries {
    const cached = this.series.get(a);
    if (cached !== undefined && cached.state === a.state) return cached;
    const alerts = labelsFromRecord({ ...a.labels, __name__: "ALERTS", alertstate: a.state });
    const forState =
      cached?.forState ?? labelsFromRecord({ ...a.labels, __name__: "ALERTS_FOR_STATE" });
    const s: AlertSeries = {
      state: a.state,
      alerts,
      alertsKey: labelsKey(alerts),
      forState,
      forStateKey: cached?.forStateKey ?? labelsKey(forState),
    };
    this.series.set(a, s);
    return s;
  }

  private async expandOne(ctx: AlertEvalContext, text: string, data: TemplateData) {
    // Fast path: text without an action expands to itself.
    if (!text.includes("{{")) return text;
    try {
      return await ctx.expand(`__alert_${this.config.name}`, text, data, {
        query: ctx.templateQuery,
        now: () => ctx.t,
      });
    } catch (e) {
      // Prometheus puts the error in the result rather than failing the rule.
      return `<error expanding template: ${e instanceof Error ? e.message : String(e)}>`;
    }
  }

  /**
   * Alerts to notify about at `t` (Prometheus's sendAlerts): firing ones not
   * sent within `resendDelay`, and resolved ones not yet sent since resolving
   * (then every `resendDelay` while retained). Marks them sent.
   */
  alertsToSend(t: number, resendDelay: number, interval: number, generatorURL: string) {
    const out: OutgoingAlert[] = [];
    for (const a of this.active.values()) {
      if (!needsSending(a, t, resendDelay)) continue;
      a.lastSentAt = t;
      a.validUntil = t + 4 * Math.max(resendDelay, interval);
      out.push({
        labels: { ...a.labels },
        annotations: { ...a.annotations },
        startsAt: a.firedAt ?? a.activeAt,
        endsAt: a.resolvedAt ?? a.validUntil,
        generatorURL,
      });
    }
    return out;
  }
}

interface AlertSeries {
  readonly state: AlertState;
  readonly alerts: Labels;
  readonly alertsKey: string;
  readonly forState: Labels;
  readonly forStateKey: string;
}

/** An alert as persisted (without validUntil). */
function storedAlert(ruleKey: string, a: Alert): StoredAlertState {
  const { validUntil: _, ...rest } = a;
  return { ruleKey, ...rest, labels: { ...a.labels }, annotations: { ...a.annotations } };
}

/** The persisted fields whose change makes an alert's row be rewritten. */
export function persistedKey(a: Alert): string {
  return `${a.state} ${a.activeAt} ${a.firedAt ?? ""} ${a.resolvedAt ?? ""} ${a.lastSentAt ?? ""} ${a.keepFiringSince ?? ""}`;
}

function needsSending(a: Alert, t: number, resendDelay: number): boolean {
  if (a.state === "pending") return false;
  if (a.resolvedAt !== undefined && (a.lastSentAt === undefined || a.resolvedAt > a.lastSentAt))
    return true;
  return a.lastSentAt === undefined || a.lastSentAt + resendDelay < t;
}

/** A stable hex id of a label set's key. */
export function fingerprintOf(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}
