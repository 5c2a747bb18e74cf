/**
 * Reading a builtin check's `params` (from the server's `checks/*.yaml`):
 * each reader records a problem naming the param instead of throwing, so
 * `validate()` can list every problem at once and `run()` can answer UNKNOWN
 * with them. Unknown params are problems too (a typo must not silently
 * disable a threshold).
 */
export class Params {
  readonly problems: string[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly raw: Record<string, unknown>) {}

  /** Records a problem about one param. */
  problem(name: string, message: string): void {
    this.problems.push(`${name}: ${message}`);
  }

  private get(name: string): unknown {
    this.seen.add(name);
    return this.raw[name];
  }

  /** A finite number, optionally bounded; undefined when absent and not required. */
  number(
    name: string,
    opts: { required?: boolean; min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const v = this.get(name);
    if (v === undefined || v === null) {
      if (opts.required) this.problem(name, "is required");
      return undefined;
    }
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.problem(name, `got ${JSON.stringify(v)}; want a number`);
      return undefined;
    }
    if (opts.integer && !Number.isInteger(v)) {
      this.problem(name, `got ${v}; want an integer`);
      return undefined;
    }
    if (opts.min !== undefined && v < opts.min) {
      this.problem(name, `got ${v}; want at least ${opts.min}`);
      return undefined;
    }
    if (opts.max !== undefined && v > opts.max) {
      this.problem(name, `got ${v}; want at most ${opts.max}`);
      return undefined;
    }
    return v;
  }

  /** A non-empty string. */
  string(name: string, opts: { required?: boolean } = {}): string | undefined {
    const v = this.get(name);
    if (v === undefined || v === null) {
      if (opts.required) this.problem(name, "is required");
      return undefined;
    }
    if (typeof v !== "string" || v === "") {
      this.problem(name, `got ${JSON.stringify(v)}; want a non-empty string`);
      return undefined;
    }
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "boolean") {
      this.problem(name, `got ${JSON.stringify(v)}; want true or false`);
      return undefined;
    }
    return v;
  }

  /** A list of non-empty strings. */
  strings(name: string): string[] | undefined {
    const v = this.get(name);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s !== "")) {
      this.problem(name, `got ${JSON.stringify(v)}; want a list of non-empty strings`);
      return undefined;
    }
    return v as string[];
  }

  /** The raw value, marked as known; the caller checks its shape. */
  any(name: string): unknown {
    return this.get(name);
  }

  /** A JavaScript regular expression, searched (not anchored). */
  regex(name: string, opts: { required?: boolean } = {}): RegExp | undefined {
    const s = this.string(name, opts);
    if (s === undefined) return undefined;
    try {
      return new RegExp(s, "u");
    } catch (e) {
      this.problem(name, `bad regular expression: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Checks that warn is not past crit in the bad direction (`higherIsWorse`). */
  order(
    warnName: string,
    warn: number | undefined,
    critName: string,
    crit: number | undefined,
    higherIsWorse = true,
  ): void {
    if (warn === undefined || crit === undefined) return;
    if (higherIsWorse ? warn > crit : warn < crit) {
      this.problem(
        warnName,
        `got ${warn}, ${higherIsWorse ? "above" : "below"} ${critName} ${crit}; a warning must come before the critical state`,
      );
    }
  }

  /** Records every param no reader asked for. Call after reading all. */
  finish(): string[] {
    for (const k of Object.keys(this.raw)) {
      if (!this.seen.has(k))
        this.problem(k, `unknown param; known: ${[...this.seen].sort().join(", ")}`);
    }
    return this.problems;
  }
}
