import type { NotificationAlert, NotificationData } from "../../template/index.js";
import type { Integration, NotifyContext } from "./types.js";

/** The alerts an integration sends: all, or the firing ones when it does not send resolved; empty = send nothing. */
export function alertsToSend(ctx: NotifyContext, sendResolved: boolean): NotificationAlert[] {
  if (sendResolved) return ctx.alerts;
  return ctx.alerts.filter((a) => a.status === "firing");
}

function common(maps: readonly Record<string, string>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) {
    for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  }
  return out;
}

/** Alertmanager's template.Data: status firing when any alert fires; common labels and annotations. */
export function notificationData(
  ctx: NotifyContext,
  alerts: NotificationAlert[],
): NotificationData {
  return {
    receiver: ctx.receiver,
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    alerts,
    groupLabels: ctx.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
  };
}

/** Go's zero time as JSON. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** A time as Go marshals it to JSON (RFC 3339, UTC, fraction without trailing zeros); 0 = Go's zero time. */
export function rfc3339(ms: number): string {
  if (ms === 0) return GO_ZERO_TIME;
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.600Z
  return iso.replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac === "" ? "Z" : `.${frac}Z`));
}

/** Truncates to `n` code points, ending with "…" as Alertmanager's TruncateInRunes. */
export function truncateRunes(s: string, n: number): { text: string; truncated: boolean } {
  const r = Array.from(s);
  if (r.length <= n) return { text: s, truncated: false };
  if (n <= 3) return { text: r.slice(0, n).join(""), truncated: true };
  return { text: `${r.slice(0, n - 1).join("")}…`, truncated: true };
}

/**
 * The shape every integration shares: its identity, and a send that drops
 * resolved alerts when it does not send them and sends nothing when nothing is
 * left. `check` runs first on every send (settings refused at send time);
 * `deliver` does the integration's own work.
 */
export function integration(
  spec: Pick<Integration, "receiver" | "kind" | "index" | "sendResolved"> & {
    check?: () => void;
    deliver: (
      ctx: NotifyContext,
      alerts: NotificationAlert[],
      signal: AbortSignal,
    ) => Promise<void>;
  },
): Integration {
  const { receiver, kind, index, sendResolved } = spec;
  return {
    receiver,
    kind,
    index,
    id: `${kind}[${index}]`,
    sendResolved,
    async send(ctx, signal) {
      spec.check?.();
      const alerts = alertsToSend(ctx, sendResolved);
      if (alerts.length === 0) return;
      await spec.deliver(ctx, alerts, signal);
    },
  };
}
