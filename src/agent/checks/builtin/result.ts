/**
 * Helpers shared by the builtins: threshold evaluation in the Nagios sense
 * (a perfdata range `10` alerts above 10, `10:` below 10; Nagios plugin
 * guidelines, "Threshold and ranges"), human-readable sizes, and the outcome
 * shape every builtin returns before the registry adds name and timing.
 */
import type { CheckStatus, PerfDatum } from "../../types.js";

/** What a builtin computes; the registry adds check name, start and duration. */
export interface Outcome {
  readonly status: CheckStatus;
  /** One line a human reads in a notification. */
  readonly output: string;
  readonly longOutput?: string;
  readonly perfdata?: readonly PerfDatum[];
}

/** UNKNOWN with the reason. */
export function unknown(output: string, longOutput?: string): Outcome {
  return longOutput === undefined ? { status: 3, output } : { status: 3, output, longOutput };
}

/** Status of a value where higher is worse: CRITICAL above crit, WARNING above warn. */
export function above(
  value: number,
  warn: number | undefined,
  crit: number | undefined,
): CheckStatus {
  if (crit !== undefined && value > crit) return 2;
  if (warn !== undefined && value > warn) return 1;
  return 0;
}

/** Status of a value where lower is worse: CRITICAL below crit, WARNING below warn. */
export function below(
  value: number,
  warn: number | undefined,
  crit: number | undefined,
): CheckStatus {
  if (crit !== undefined && value < crit) return 2;
  if (warn !== undefined && value < warn) return 1;
  return 0;
}

/** The worse of two statuses: CRITICAL > WARNING > UNKNOWN > OK (as Nagios aggregates). */
export function worst(a: CheckStatus, b: CheckStatus): CheckStatus {
  const rank = (s: CheckStatus): number => (s === 2 ? 3 : s === 1 ? 2 : s === 3 ? 1 : 0);
  return rank(a) >= rank(b) ? a : b;
}

/** A perfdatum, leaving out absent fields. Values are rounded to keep output short. */
export function perf(
  label: string,
  value: number,
  uom: string,
  extra: { warn?: number | string; crit?: number | string; min?: number; max?: number } = {},
): PerfDatum {
  const d: { -readonly [K in keyof PerfDatum]: PerfDatum[K] } = { label, value: round(value), uom };
  if (extra.warn !== undefined)
    d.warn = typeof extra.warn === "number" ? String(round(extra.warn)) : extra.warn;
  if (extra.crit !== undefined)
    d.crit = typeof extra.crit === "number" ? String(round(extra.crit)) : extra.crit;
  if (extra.min !== undefined) d.min = extra.min;
  if (extra.max !== undefined) d.max = round(extra.max);
  return d;
}

/** Rounds to 6 significant decimals after the point; integers stay exact. */
export function round(v: number): number {
  return Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6;
}

/** `1.5 GiB`, `812 MiB`, `20 B`. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** `3d 4h`, `12m 5s`, `40s`: an age for a human. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** Socket errors in words a human reads in a notification. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed (temporary)",
  ETIMEDOUT: "connection timed out",
  EACCES: "permission denied",
  ENOENT: "no such file or directory",
};

/** The message of an unknown thrown value. */
export function why(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const words = code === undefined ? undefined : ERRNO_WORDS[code];
    if (words !== undefined && code !== "ENOENT" && code !== "EACCES") return `${words} (${code})`;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/**
 * The time a builtin gives its own peer (socket, systemctl): the param when
 * given, never more than 90% of the check's timeout, so that a slow peer is
 * reported by the builtin (CRITICAL, with what it waited for) before the
 * registry's deadline turns the whole check UNKNOWN.
 */
export function innerTimeout(paramMs: number | undefined, checkTimeoutMs: number): number {
  const cap = Math.max(1, Math.floor(checkTimeoutMs * 0.9));
  return paramMs === undefined ? cap : Math.min(paramMs, cap);
}
