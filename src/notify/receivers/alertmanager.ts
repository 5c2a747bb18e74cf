import type { AlertmanagerForwardConfig } from "../../config/index.js";
import type { NotificationAlert } from "../../template/index.js";
import { integration, rfc3339 } from "./data.js";
import { postJSON } from "./http.js";
import type { BuildDeps, Integration } from "./types.js";

/** Alertmanager API v2 postableAlert. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

/**
 * Firing alerts keep their endsAt when set (Alertmanager then resolves them by
 * itself if reddot stops sending); resolved ones carry an endsAt in the past.
 */
export function postableAlert(a: NotificationAlert, nowMs: number): PostableAlert {
  const out: PostableAlert = {
    labels: a.labels,
    annotations: a.annotations,
    startsAt: rfc3339(a.startsAt),
    generatorURL: a.generatorURL,
  };
  if (a.status === "resolved") {
    out.endsAt = rfc3339(a.endsAt !== 0 && a.endsAt <= nowMs ? a.endsAt : nowMs);
  } else if (a.endsAt > nowMs) {
    out.endsAt = rfc3339(a.endsAt);
  }
  return out;
}

/** `${url}/api/v2/alerts`, with the URL's own path kept (a prefix such as /alertmanager). */
export function alertsEndpoint(url: string): string {
  return `${url.replace(/\/+$/, "")}/api/v2/alerts`;
}

export function alertmanagerIntegration(
  receiver: string,
  index: number,
  conf: AlertmanagerForwardConfig,
  deps: BuildDeps,
): Integration {
  return integration({
    receiver,
    kind: "alertmanager",
    index,
    sendResolved: conf.sendResolved,
    async deliver(_ctx, alerts, signal) {
      const now = (deps.now ?? Date.now)();
      await postJSON(
        alertsEndpoint(conf.url),
        alerts.map((a) => postableAlert(a, now)),
        { fetchImpl: deps.fetchImpl, signal, timeoutMs: conf.timeoutMs, what: "alertmanager" },
      );
    },
  });
}
