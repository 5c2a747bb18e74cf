/**
 * User-visible errors. Every error a user or client can cause is a `ReddotError`
 * with a stable code (`RD_...`), a message naming the input (file:line and key,
 * or the API field, with got/want), and the HTTP status it maps to. Codes are
 * listed in docs/errors.md; a test fails when one is missing there.
 *
 * Broken invariants are not ReddotErrors: they throw `bug(...)` and say "BUG:".
 */
export class ReddotError extends Error {
  /** Stable code, e.g. `RD_BAD_SNAPPY`. */
  readonly code: string;
  /** HTTP status this error maps to when it reaches a client. */
  readonly status: number;

  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ReddotError";
    this.code = code;
    this.status = status;
  }
}

/** True when `e` is a ReddotError (also across module copies). */
export function isReddotError(e: unknown): e is ReddotError {
  return e instanceof ReddotError;
}

/** An invariant broke: a programming error, never caused by user input. */
export function bug(message: string, values?: Record<string, unknown>): Error {
  const detail = values ? ` ${JSON.stringify(values)}` : "";
  return new Error(`BUG: ${message}${detail}`);
}
