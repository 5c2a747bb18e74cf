import type { RuleConfig, RuleGroupConfig } from "../config/index.js";
import { type Engine, type Expr, parseExpr } from "../promql/index.js";
import {
  type Labels,
  labelsKey,
  labelsToRecord,
  STALE_NAN,
  type Storage,
} from "../storage/index.js";
import { type AlertEvalContext, AlertingRule } from "./alerting.js";
import { RecordingRule, RuleEvalError, type RuleSample } from "./recording.js";
import type {
  AlertStateChange,
  AlertStateStore,
  OutgoingAlert,
  RuleHealth,
  StoredAlertState,
  TemplateExpander,
} from "./types.js";

/** Counters of a manager's evaluations, for self-metrics. */
export interface RuleCounters {
  evaluations: number;
  failures: number;
  missedIterations: number;
  /** Alert state saves that failed (the evaluation itself went on). */
  stateSaveFailures: number;
}

/** What every group of a manager shares. */
export interface GroupDeps {
  readonly storage: Storage;
  readonly engine: Engine;
  readonly resendDelay: number;
  readonly externalURL: string;
  readonly externalLabels: Record<string, string>;
  readonly expand: TemplateExpander;
  readonly onAlerts?: (alerts: OutgoingAlert[]) => void | Promise<void>;
  readonly stateStore?: AlertStateStore;
  readonly counters: RuleCounters;
  /** Wall clock, for template `query` and evaluation durations' timestamps. */
  readonly now: () => number;
  readonly onError?: (what: string, err: unknown) => void;
}

/** One rule of a group with its health (what /api/v1/rules shows). */
export interface RuleEntry {
  readonly key: string;
  readonly rule: RecordingRule | AlertingRule;
  health: RuleHealth;
  lastError?: string;
  /** Evaluation timestamp (ms) of the last evaluation, undefined before the first. */
  lastEvaluation?: number;
  /** Duration of the last evaluation, ms. */
  evaluationTime: number;
  /** Series written by the last successful evaluation, for stale markers. */
  written: Map<string, Labels>;
  /**
   * Fingerprint → persistedKey of the alerts last saved, to save only
   * changes; undefined when unknown (the next save replaces the rule's rows).
   */
  persisted?: Map<string, string>;
}

/**
 * The key alert state is saved under: file, group, index in the group, and
 * name, JSON-encoded so no separator is ambiguous.
 */
export function ruleKey(file: string, group: string, index: number, name: string): string {
  return JSON.stringify([file, group, index, name]);
}

/** Identity of a rule's content, to carry state across a reload (as Prometheus's CopyState). */
function contentKey(c: RuleConfig): string {
  return JSON.stringify([c.kind, c.name, c.expr, c.for, c.keepFiringFor, c.labels, c.annotations]);
}

/**
 * A rule group: its rules evaluated in order at one timestamp, each rule's
 * output committed before the next runs (so later rules see it).
 */
export class RuleGroup {
  readonly config: RuleGroupConfig;
  readonly interval: number;
  readonly queryOffset: number;
  readonly rules: RuleEntry[];
  lastEvaluation?: number;
  evaluationTime = 0;
  private readonly deps: GroupDeps;

  constructor(
    config: RuleGroupConfig,
    defaults: { interval: number; queryOffset: number },
    deps: GroupDeps,
  ) {
    this.config = config;
    this.interval = config.interval ?? defaults.interval;
    this.queryOffset = config.queryOffset ?? defaults.queryOffset;
    this.deps = deps;
    this.rules = config.rules.map((c, i) => {
      const expr: Expr = parseExpr(c.expr);
      const rule = c.kind === "alert" ? new AlertingRule(c, expr) : new RecordingRule(c, expr);
      return {
        key: ruleKey(config.file, config.name, i, c.name),
        rule,
        health: "unknown" as RuleHealth,
        evaluationTime: 0,
        written: new Map(),
      };
    });
  }

  /** Group identity across reloads: file and name, as Prometheus's GroupKey. */
  get key(): string {
    return JSON.stringify([this.config.file, this.config.name]);
  }

  /** Restores persisted alerts by rule key. */
  restore(byRule: ReadonlyMap<string, StoredAlertState[]>): void {
    for (const r of this.rules) {
      const stored = byRule.get(r.key);
      if (stored === undefined || !(r.rule instanceof AlertingRule)) continue;
      r.rule.restore(stored);
      r.persisted = r.rule.stateChange(r.key, undefined).next;
    }
  }

  /**
   * Takes over alert state, health and written series of rules with the same
   * content in `old` (a reload), matching in order as Prometheus does.
   */
  copyState(old: RuleGroup): void {
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationTime = old.evaluationTime;
    const pool = new Map<string, RuleEntry[]>();
    for (const r of old.rules) {
      const k = contentKey(r.rule.config);
      pool.set(k, [...(pool.get(k) ?? []), r]);
    }
    for (const r of this.rules) {
      const match = pool.get(contentKey(r.rule.config))?.shift();
      if (match === undefined) continue;
      r.health = match.health;
      if (match.lastError !== undefined) r.lastError = match.lastError;
      if (match.lastEvaluation !== undefined) r.lastEvaluation = match.lastEvaluation;
      r.evaluationTime = match.evaluationTime;
      r.written = match.written;
      if (r.rule instanceof AlertingRule && match.rule instanceof AlertingRule) {
        for (const [k, a] of match.rule.active) r.rule.active.set(k, a);
        // Same key: what is stored under it is what the old rule saved.
        if (match.key === r.key && match.persisted !== undefined) {
          r.persisted = new Map(match.persisted);
        }
      }
    }
  }

  /** Keys of the alerting rules of this group. */
  alertingKeys(): string[] {
    return this.rules.filter((r) => r.rule instanceof AlertingRule).map((r) => r.key);
  }

  /** Evaluates every rule at timestamp `t` (ms), in order. */
  async evaluate(t: number): Promise<void> {
    const began = performance.now();
    const changes: StateChanges = [];
    for (const entry of this.rules) await this.evaluateRule(entry, t, changes);
    await this.saveState(changes);
    this.lastEvaluation = t;
    this.evaluationTime = performance.now() - began;
  }

  /** Writes stale markers for everything the group wrote (the group was removed). */
  async markStale(t: number): Promise<void> {
    const app = this.deps.storage.appender();
    for (const r of this.rules) {
      for (const labels of r.written.values()) app.append(0, labels, t, STALE_NAN);
      r.written = new Map();
    }
    await app.commit();
  }

  private async evaluateRule(entry: RuleEntry, t: number, changes: StateChanges): Promise<void> {
    const began = performance.now();
    const counters = this.deps.counters;
    counters.evaluations++;
    const at = t - this.queryOffset;
    try {
      let samples: RuleSample[];
      const { rule } = entry;
      if (rule instanceof AlertingRule) {
        samples = await rule.eval(this.alertContext(t));
        await this.sendAlerts(entry, rule, t);
      } else {
        const result = await this.query(rule.expr, rule.config.expr, at);
        samples = rule.apply(result, at, this.config.limit);
      }
      await this.write(entry, samples, at);
      entry.health = "ok";
      delete entry.lastError;
    } catch (e) {
      counters.failures++;
      entry.health = "err";
      entry.lastError = e instanceof Error ? e.message : String(e);
      // Query and rule errors are the rule's health; anything else is also logged.
      if (!(e instanceof RuleEvalError) && !(e instanceof Error && "code" in e))
        this.deps.onError?.(`evaluating ${entry.key}`, e);
    } finally {
      entry.lastEvaluation = t;
      entry.evaluationTime = performance.now() - began;
    }
    if (entry.rule instanceof AlertingRule && this.deps.stateStore !== undefined) {
      const { change, next } = entry.rule.stateChange(entry.key, entry.persisted);
      if (change !== undefined) changes.push({ entry, change, next });
    }
  }

  private alertContext(t: number): AlertEvalContext {
    return {
      t,
      queryOffset: this.queryOffset,
      limit: this.config.limit,
      query: (expr, text, at) => this.query(expr, text, at),
      expand: this.deps.expand,
      templateQuery: async (text) => {
        const now = this.deps.now();
        const res = await this.query(this.deps.engine.parse(text), text, now);
        return res.map((s) => ({ labels: labelsToRecord(s.labels), value: s.v }));
      },
      externalLabels: this.deps.externalLabels,
      externalURL: this.deps.externalURL,
    };
  }

  /** Runs an instant query; scalars become one sample without labels, as Prometheus's EngineQueryFunc. */
  private async query(expr: Expr, text: string, at: number) {
    const r = await this.deps.engine.exec(this.deps.storage, expr, text, at, at, 0);
    const v = r.value;
    if (v.type === "vector") return v.samples.map((s) => ({ labels: s.labels, v: s.v }));
    if (v.type === "scalar") return [{ labels: [] as Labels, v: v.v }];
    throw new RuleEvalError(`rule result is not a vector or scalar: ${v.type}`);
  }

  private async write(entry: RuleEntry, samples: RuleSample[], at: number): Promise<void> {
    const app = this.deps.storage.appender();
    const written = new Map<string, Labels>();
    for (const s of samples) {
      app.append(0, s.labels, s.t, s.v);
      written.set(s.key ?? labelsKey(s.labels), s.labels);
    }
    // Series the previous evaluation wrote and this one did not: stale, as Prometheus.
    for (const [k, labels] of entry.written) {
      if (!written.has(k)) app.append(0, labels, at, STALE_NAN);
    }
    await app.commit();
    entry.written = written;
  }

  private async sendAlerts(entry: RuleEntry, rule: AlertingRule, t: number): Promise<void> {
    const onAlerts = this.deps.onAlerts;
    if (onAlerts === undefined) return;
    const url = `${this.deps.externalURL}/graph?${new URLSearchParams({
      "g0.expr": rule.config.expr,
      "g0.tab": "1",
    })}`;
    const alerts = rule.alertsToSend(t, this.deps.resendDelay, this.interval, url);
    if (alerts.length === 0) return;
    try {
      await onAlerts(alerts);
    } catch (e) {
      this.deps.onError?.(`sending alerts of ${entry.key}`, e);
    }
  }

  /** Writes the alert state changes of one group evaluation, in one transaction. */
  private async saveState(changes: StateChanges): Promise<void> {
    const store = this.deps.stateStore;
    if (store === undefined || changes.length === 0) return;
    try {
      await store.apply(changes.map((c) => c.change));
      for (const c of changes) c.entry.persisted = c.next;
    } catch (e) {
      this.deps.counters.stateSaveFailures++;
      // What is stored is unknown now: the next save replaces these rules' rows.
      for (const c of changes) delete c.entry.persisted;
      this.deps.onError?.(`saving alert state of group ${this.key}`, e);
    }
  }
}

/** Alert state changes collected over one group evaluation. */
type StateChanges = { entry: RuleEntry; change: AlertStateChange; next: Map<string, string> }[];
