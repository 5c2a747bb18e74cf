import { ReddotError } from "./errors.js";

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const DURATION_RE =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ["y", "w", "d", "h", "m", "s", "ms"] as const;

/**
 * Parses a Prometheus duration (`1h30m`, `15s`, `2d`, `500ms`) into milliseconds.
 * Units must appear largest first, at most once each, as Prometheus requires.
 * Throws RD_BAD_DURATION naming `what` (a field or file:line) on bad input.
 */
export function parseDuration(text: string, what = "duration"): number {
  const m = DURATION_RE.exec(text);
  if (text === "" || m === null) {
    throw new ReddotError(
      "RD_BAD_DURATION",
      400,
      `${what}: cannot parse "${text}" as a duration; want e.g. 15s, 1m30s, 2h, 7d`,
    );
  }
  let ms = 0;
  ORDER.forEach((unit, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * UNIT_MS[unit];
  });
  if (!Number.isSafeInteger(ms)) {
    throw new ReddotError("RD_BAD_DURATION", 400, `${what}: duration "${text}" is too large`);
  }
  return ms;
}

/** Formats milliseconds as a Prometheus duration (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = Math.abs(ms);
  let out = ms < 0 ? "-" : "";
  for (const unit of ORDER) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
