/** An alert as the notifier sees it. Timestamps are ms since the epoch. */
export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** 0 while the alert is open (firing with no known end). */
  endsAt: number;
  generatorURL: string;
}

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const SEPARATOR = 0xff;
const encoder = new TextEncoder();

function addBytes(h: bigint, bytes: Iterable<number>): bigint {
  let hash = h;
  for (const b of bytes) {
    hash ^= BigInt(b);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash;
}

/**
 * The alert's identity: FNV-1a 64 over the label pairs sorted by name, each
 * name and value followed by the 0xff separator byte, as 16 hex digits. This
 * is Prometheus' `model.LabelSet.Fingerprint()` (labelSetToFingerprint), so the
 * values equal those Alertmanager shows (checked against prometheus/common's test vector).
 */
export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let h = FNV_OFFSET;
  for (const name of Object.keys(labels).sort()) {
    h = addBytes(h, encoder.encode(name));
    h = addBytes(h, [SEPARATOR]);
    h = addBytes(h, encoder.encode(labels[name] as string));
    h = addBytes(h, [SEPARATOR]);
  }
  return h.toString(16).padStart(16, "0");
}
