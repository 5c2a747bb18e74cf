import { type AttemptRecord, type Integration, type NotifyContext, NotifyError } from "./types.js";

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
export const DEFAULT_BACKOFF_CAP_MS = 30_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(attempt-1))]. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions {
  signal: AbortSignal;
  maxAttempts?: number;
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  onAttempt?: (a: AttemptRecord) => void;
  random?: () => number;
}

/**
 * Retries retryable failures with exponential backoff and full jitter until
 * success, a non-retryable error, maxAttempts, or abort. Returns true on
 * success. An error that is not a NotifyError counts as non-retryable.
 */
export async function sendWithRetry(
  integration: Integration,
  ctx: NotifyContext,
  opts: RetryOptions,
): Promise<boolean> {
  const max = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const base = opts.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const cap = opts.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const sleep = opts.sleep ?? abortableSleep;
  for (let attempt = 1; attempt <= max; attempt++) {
    if (opts.signal.aborted) return false;
    const started = performance.now();
    try {
      await integration.send(ctx, opts.signal);
      opts.onAttempt?.({
        attempt,
        ok: true,
        durationMs: performance.now() - started,
        retryable: false,
      });
      return true;
    } catch (e) {
      const retryable = e instanceof NotifyError && e.retryable;
      const error = e instanceof Error ? e.message : String(e);
      opts.onAttempt?.({
        attempt,
        ok: false,
        error,
        durationMs: performance.now() - started,
        retryable,
      });
      if (!retryable || attempt === max) return false;
    }
    await sleep(backoffMs(attempt, base, cap, opts.random), opts.signal);
  }
  return false;
}
