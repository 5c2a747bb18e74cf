/**
 * Exponential backoff with "full jitter" (AWS Architecture Blog, Marc Brooker,
 * "Exponential Backoff And Jitter", 2015): the n-th consecutive failure waits
 * a uniformly random time in [0, min(cap, base · 2^n)), so that many agents
 * cut off by the same outage do not all retry at the same instant.
 */
import { ReddotError } from "../../lib/errors.js";

/** Backoff settings; times in ms. */
export interface BackoffOptions {
  /** Upper end of the first delay. */
  readonly baseMs: number;
  /** Largest upper end any delay can have. */
  readonly capMs: number;
  /** Uniform random number in [0, 1); Math.random by default, injectable for tests. */
  readonly random?: () => number;
}

/** Delays for consecutive failures; `reset()` after a success. */
export class Backoff {
  readonly #base: number;
  readonly #cap: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(opts: BackoffOptions) {
    if (!(opts.baseMs > 0 && opts.capMs >= opts.baseMs && Number.isFinite(opts.capMs))) {
      throw new ReddotError(
        "RD_AGENT_SEND_OPTIONS",
        500,
        `backoff: baseMs ${opts.baseMs}, capMs ${opts.capMs}; want 0 < baseMs <= capMs, both finite`,
      );
    }
    this.#base = opts.baseMs;
    this.#cap = opts.capMs;
    this.#random = opts.random ?? Math.random;
  }

  /** Consecutive failures so far. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The upper end of the next delay: min(cap, base · 2^attempt). */
  ceilingMs(): number {
    // 2^attempt overflows to Infinity harmlessly; min() brings it back to cap.
    return Math.min(this.#cap, this.#base * 2 ** this.#attempt);
  }

  /** The delay before the next retry (ms), and counts the failure. */
  next(): number {
    const delay = Math.floor(this.#random() * this.ceilingMs());
    this.#attempt++;
    return delay;
  }

  /** After a success: the next failure starts again from base. */
  reset(): void {
    this.#attempt = 0;
  }
}
