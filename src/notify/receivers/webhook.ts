import type { WebhookConfig } from "../../config/index.js";
import type { NotificationAlert } from "../../template/index.js";
import { integration, notificationData, rfc3339 } from "./data.js";
import { postJSON } from "./http.js";
import { httpAuth } from "./http-config.js";
import { secretValue } from "./secrets.js";
import type { BuildDeps, Integration, NotifyContext } from "./types.js";

/** Alertmanager's webhook alert JSON. */
export interface WebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** Alertmanager's webhook message (notify/webhook Message: template.Data + version, groupKey, truncatedAlerts). */
export interface WebhookMessage {
  receiver: string;
  status: "firing" | "resolved";
  alerts: WebhookAlert[];
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
}

export function webhookAlert(a: NotificationAlert): WebhookAlert {
  return {
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: rfc3339(a.startsAt),
    endsAt: rfc3339(a.endsAt),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

/**
 * The webhook body. As Alertmanager (webhook.go truncateAlerts), alerts are
 * cut to maxAlerts (0 = all) first: status and common labels are of the kept ones.
 */
export function webhookMessage(
  ctx: NotifyContext,
  alerts: NotificationAlert[],
  maxAlerts: number,
): WebhookMessage {
  const kept = maxAlerts > 0 && alerts.length > maxAlerts ? alerts.slice(0, maxAlerts) : alerts;
  const data = notificationData(ctx, kept);
  return {
    receiver: data.receiver,
    status: data.status,
    alerts: kept.map(webhookAlert),
    groupLabels: data.groupLabels,
    commonLabels: data.commonLabels,
    commonAnnotations: data.commonAnnotations,
    externalURL: data.externalURL,
    version: "4",
    groupKey: ctx.groupKey,
    truncatedAlerts: alerts.length - kept.length,
  };
}

export function webhookIntegration(
  receiver: string,
  index: number,
  conf: WebhookConfig,
  deps: BuildDeps,
): Integration {
  return integration({
    receiver,
    kind: "webhook",
    index,
    sendResolved: conf.sendResolved,
    async deliver(ctx, alerts, signal) {
      const url = await secretValue(deps.configDir, conf.url, conf.urlFile, "url");
      const auth = await httpAuth(deps.configDir, conf.httpConfig);
      await postJSON(url, webhookMessage(ctx, alerts, conf.maxAlerts), {
        headers: auth.headers,
        secrets: auth.secrets,
        fetchImpl: deps.fetchImpl,
        signal,
        timeoutMs: conf.timeoutMs,
        what: "webhook",
      });
    },
  });
}
