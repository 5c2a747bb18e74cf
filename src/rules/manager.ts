import type { RuleGroupConfig } from "../config/index.js";
import type { Engine } from "../promql/index.js";
import type { Storage } from "../storage/index.js";
import { expandAlertTemplate } from "../template/index.js";
import { type GroupDeps, type RuleCounters, RuleGroup } from "./group.js";
import type {
  AlertStateStore,
  OutgoingAlert,
  StoredAlertState,
  TemplateExpander,
} from "./types.js";

/** Options of a RuleManager. Times in ms. */
export interface RuleManagerOptions {
  readonly storage: Storage;
  readonly engine: Engine;
  /** Interval of groups without their own; Prometheus's global evaluation_interval (1m). */
  readonly evaluationInterval?: number;
  /** query_offset of groups without their own (Prometheus's global rule_query_offset, 0). */
  readonly queryOffset?: number;
  /** Firing alerts are resent this often (Prometheus's --rules.alert.resend-delay, 1m). */
  readonly resendDelay?: number;
  readonly externalURL?: string;
  readonly externalLabels?: Record<string, string>;
  /** Receives the alerts to send after each evaluation of an alerting rule. */
  readonly onAlerts?: (alerts: OutgoingAlert[]) => void | Promise<void>;
  /** Persists alert state; without it, state lives only in memory. */
  readonly stateStore?: AlertStateStore;
  /** Expands label and annotation templates; default: the template package's expandAlertTemplate. */
  readonly expandTemplate?: TemplateExpander;
  /** Wall clock (ms); tests pass a fake one. */
  readonly now?: () => number;
  /** Told about failures that are not a rule's own (state saves, the alert hook). */
  readonly onError?: (what: string, err: unknown) => void;
}

export const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;
export const DEFAULT_RESEND_DELAY_MS = 60_000;

/**
 * Runs rule groups, each on its own interval, aligned and never overlapping
 * (Prometheus rules/manager.go and group.go). `update` swaps the groups and
 * keeps the state of unchanged rules.
 */
export class RuleManager {
  readonly counters: RuleCounters = {
    evaluations: 0,
    failures: 0,
    missedIterations: 0,
    stateSaveFailures: 0,
  };
  private readonly deps: GroupDeps;
  private readonly defaults: { interval: number; queryOffset: number };
  private current: RuleGroup[] = [];
  private restored?: Map<string, StoredAlertState[]>;
  private readonly timers = new Map<RuleGroup, NodeJS.Timeout>();
  private readonly running = new Map<RuleGroup, Promise<void>>();
  private started = false;

  constructor(opts: RuleManagerOptions) {
    this.defaults = {
      interval: opts.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL_MS,
      queryOffset: opts.queryOffset ?? 0,
    };
    this.deps = {
      storage: opts.storage,
      engine: opts.engine,
      resendDelay: opts.resendDelay ?? DEFAULT_RESEND_DELAY_MS,
      externalURL: opts.externalURL ?? "",
      externalLabels: opts.externalLabels ?? {},
      expand: opts.expandTemplate ?? expandAlertTemplate,
      ...(opts.onAlerts !== undefined ? { onAlerts: opts.onAlerts } : {}),
      ...(opts.stateStore !== undefined ? { stateStore: opts.stateStore } : {}),
      ...(opts.onError !== undefined ? { onError: opts.onError } : {}),
      counters: this.counters,
      now: opts.now ?? Date.now,
    };
  }

  /** The groups, in config order. */
  groups(): readonly RuleGroup[] {
    return this.current;
  }

  /**
   * Replaces the rule groups. Rules whose group (file, name) and content are
   * unchanged keep their alerts; on the first call, alerts are restored from
   * the state store. State of rules that are gone is deleted from the store,
   * and the series of removed groups are marked stale.
   */
  async update(configs: readonly RuleGroupConfig[]): Promise<void> {
    if (this.restored === undefined) {
      this.restored = new Map();
      for (const s of (await this.deps.stateStore?.load()) ?? []) {
        this.restored.set(s.ruleKey, [...(this.restored.get(s.ruleKey) ?? []), s]);
      }
    }
    const old = new Map(this.current.map((g) => [g.key, g]));
    const next = configs.map((c) => new RuleGroup(c, this.defaults, this.deps));
    for (const g of next) {
      const prev = old.get(g.key);
      if (prev !== undefined) {
        await this.stopGroup(prev);
        g.copyState(prev);
        old.delete(g.key);
      } else {
        g.restore(this.restored);
      }
    }
    const now = this.deps.now();
    for (const g of old.values()) {
      await this.stopGroup(g);
      await g.markStale(now);
    }
    // Forget persisted alerts of rules that no longer exist.
    const live = new Set(next.flatMap((g) => g.alertingKeys()));
    const stale = new Set<string>(this.restored.keys());
    for (const g of this.current) for (const k of g.alertingKeys()) stale.add(k);
    for (const k of stale) {
      if (live.has(k)) continue;
      this.restored.delete(k);
      await this.deps.stateStore?.save(k, []);
    }
    this.current = next;
    // Persisted state is restored once, at the first update; later groups start empty.
    this.restored.clear();
    if (this.started) for (const g of next) this.schedule(g);
  }

  /** Starts evaluating every group on its interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const g of this.current) this.schedule(g);
  }

  /** Stops all groups, waiting for evaluations under way. */
  async stop(): Promise<void> {
    this.started = false;
    for (const g of this.current) await this.stopGroup(g);
  }

  private schedule(g: RuleGroup): void {
    const now = this.deps.now();
    const next = nextEvalTimestamp(g, now);
    const timer = setTimeout(() => {
      this.timers.delete(g);
      const run = this.iterate(g, next);
      this.running.set(g, run);
      void run.finally(() => {
        if (this.running.get(g) === run) this.running.delete(g);
      });
    }, next - now);
    timer.unref();
    this.timers.set(g, timer);
  }

  private async iterate(g: RuleGroup, t: number): Promise<void> {
    try {
      await g.evaluate(t);
    } catch (e) {
      this.deps.onError?.(`evaluating group ${g.config.name}`, e);
    }
    if (!this.started || !this.current.includes(g)) return;
    const next = nextEvalTimestamp(g, this.deps.now());
    // Iterations whose time passed while this one ran are skipped, and counted.
    const missed = Math.max(0, Math.round((next - t) / g.interval) - 1);
    this.counters.missedIterations += missed;
    this.schedule(g);
  }

  private async stopGroup(g: RuleGroup): Promise<void> {
    const timer = this.timers.get(g);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(g);
    await this.running.get(g);
  }
}

/**
 * The group's per-group offset inside its interval, from a hash of its file
 * and name, so groups spread over the interval (Prometheus's EvalTimestamp).
 */
export function groupOffset(file: string, name: string, interval: number): number {
  // FNV-1a, 32 bits: any stable hash spreads groups; this one needs no dependency.
  let h = 0x811c9dc5;
  for (const ch of `${file}\xff${name}`) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % interval;
}

/** The first evaluation timestamp after `now`: a multiple of the interval plus the group's offset. */
export function nextEvalTimestamp(g: RuleGroup, now: number): number {
  const offset = groupOffset(g.config.file, g.config.name, g.interval);
  const adj = now - offset;
  const base = adj - (((adj % g.interval) + g.interval) % g.interval);
  return base + offset + g.interval;
}
