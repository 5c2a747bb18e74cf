/**
 * Runs the agent's checks: each on its own interval, the first run of each
 * spread over its interval with jitter (so a fresh agent does not start every
 * check at once), at most `concurrency` checks at a time, and a check never
 * overlapping itself (a run still going when the next is due skips that turn).
 * Results are buffered until the report loop takes them.
 */
import { BUILTIN_CHECKS } from "./checks/builtin/index.js";
import { runPlugin } from "./checks/plugin.js";
import type { CheckResult, CheckSpec } from "./types.js";

export type AgentLog = (
  level: "debug" | "info" | "warn" | "error",
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** Shortest interval a check may run at (ms); faster ones are slowed down to it. */
export const MIN_CHECK_INTERVAL_MS = 1000;
/** Results kept between two reports; older ones are dropped past it. */
export const MAX_PENDING_RESULTS = 10_000;

export interface SchedulerOptions {
  readonly pluginDirs: readonly string[];
  readonly concurrency?: number;
  readonly procRoot?: string;
  readonly log: AgentLog;
  readonly random?: () => number;
}

interface Slot {
  spec: CheckSpec;
  key: string;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  removed: boolean;
}

export class CheckScheduler {
  readonly #opts: SchedulerOptions;
  readonly #concurrency: number;
  readonly #random: () => number;
  readonly #slots = new Map<string, Slot>();
  readonly #results: CheckResult[] = [];
  readonly #waiting: (() => void)[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #active = 0;
  #dropped = 0;
  #stopped = false;

  constructor(opts: SchedulerOptions) {
    this.#opts = opts;
    this.#concurrency = Math.max(1, opts.concurrency ?? 4);
    this.#random = opts.random ?? Math.random;
  }

  /** Replaces the check list: new or changed checks are (re)scheduled, removed ones stop. */
  setChecks(specs: readonly CheckSpec[]): void {
    if (this.#stopped) return;
    const next = new Map<string, CheckSpec>();
    for (const s of specs) next.set(s.name, s);
    for (const [name, slot] of this.#slots) {
      const spec = next.get(name);
      if (spec === undefined || JSON.stringify(spec) !== slot.key) {
        clearTimeout(slot.timer);
        slot.removed = true;
        this.#slots.delete(name);
      }
    }
    for (const [name, spec] of next) {
      if (this.#slots.has(name)) continue;
      const slot: Slot = {
        spec,
        key: JSON.stringify(spec),
        timer: undefined,
        running: false,
        removed: false,
      };
      this.#slots.set(name, slot);
      this.#schedule(slot, Math.floor(this.#random() * intervalOf(spec)));
    }
  }

  /** The results finished since the last call. */
  takeResults(): CheckResult[] {
    const out = this.#results.splice(0);
    if (this.#dropped > 0) {
      this.#opts.log("warn", "check results dropped: reports were not built fast enough", {
        dropped: this.#dropped,
      });
      this.#dropped = 0;
    }
    return out;
  }

  /** Stops scheduling; waits up to `graceMs` for runs in flight (builtins are told to stop). */
  async stop(graceMs: number): Promise<void> {
    this.#stopped = true;
    for (const slot of this.#slots.values()) {
      clearTimeout(slot.timer);
      slot.removed = true;
    }
    this.#slots.clear();
    this.#abort.abort();
    for (const w of this.#waiting.splice(0)) w();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  #schedule(slot: Slot, delayMs: number): void {
    if (slot.removed || this.#stopped) return;
    slot.timer = setTimeout(() => this.#due(slot), Math.max(0, delayMs));
  }

  #due(slot: Slot): void {
    const dueAt = Date.now();
    const interval = intervalOf(slot.spec);
    if (slot.running) {
      // Still running from last time: skip this turn rather than overlap.
      this.#opts.log("warn", "check still running when due again; skipped a run", {
        check: slot.spec.name,
      });
      this.#schedule(slot, interval);
      return;
    }
    slot.running = true;
    const p = this.#runBounded(slot).finally(() => {
      slot.running = false;
      this.#inFlight.delete(p);
      this.#schedule(slot, interval - (Date.now() - dueAt));
    });
    this.#inFlight.add(p);
  }

  async #runBounded(slot: Slot): Promise<void> {
    while (this.#active >= this.#concurrency) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
      if (this.#stopped) return;
    }
    if (slot.removed || this.#stopped) return;
    this.#active++;
    try {
      const r = await this.#runOne(slot.spec);
      if (!slot.removed && !this.#stopped) this.#push(r);
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  async #runOne(spec: CheckSpec): Promise<CheckResult> {
    const startedAt = Date.now();
    try {
      if (spec.kind === "plugin") {
        return await runPlugin(spec, { pluginDirs: this.#opts.pluginDirs });
      }
      const impl = BUILTIN_CHECKS.get(spec.builtin);
      if (impl === undefined) {
        return unknown(spec, startedAt, `UNKNOWN: no builtin check named ${String(spec.builtin)}`);
      }
      return await impl.run(spec, { procRoot: this.#opts.procRoot, signal: this.#abort.signal });
    } catch (e) {
      // The runners promise not to throw; this is the last line of defence.
      this.#opts.log("error", "check runner failed", { check: spec.name, error: String(e) });
      return unknown(spec, startedAt, `UNKNOWN: check failed in the agent: ${String(e)}`);
    }
  }

  #push(r: CheckResult): void {
    this.#results.push(r);
    if (this.#results.length > MAX_PENDING_RESULTS) {
      this.#results.shift();
      this.#dropped++;
    }
  }
}

function intervalOf(spec: CheckSpec): number {
  return Number.isFinite(spec.intervalMs)
    ? Math.max(MIN_CHECK_INTERVAL_MS, spec.intervalMs)
    : 60_000;
}

function unknown(spec: CheckSpec, startedAt: number, output: string): CheckResult {
  return {
    check: spec.name,
    status: 3,
    output: output.slice(0, 1024),
    longOutput: "",
    perfdata: [],
    startedAt,
    durationMs: Date.now() - startedAt,
  };
}
