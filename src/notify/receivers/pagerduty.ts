import { createHash } from "node:crypto";
import type { PagerdutyConfig } from "../../config/index.js";
import { integration, notificationData, truncateRunes } from "./data.js";
import { postJSON } from "./http.js";
import { httpAuth } from "./http-config.js";
import { secretValue } from "./secrets.js";
import { type BuildDeps, type Integration, NotifyError } from "./types.js";

/** Events API v2 summary limit (Alertmanager's maxV2SummaryLenRunes). */
const MAX_SUMMARY_RUNES = 1024;

/** Alertmanager's defaults (config/notifiers.go DefaultPagerdutyConfig and DefaultPagerdutyDetails). */
export const PAGERDUTY_DEFAULTS = {
  description: '{{ template "pagerduty.default.description" .}}',
  client: '{{ template "pagerduty.default.client" . }}',
  clientUrl: '{{ template "pagerduty.default.clientURL" . }}',
  severity: "error",
  details: {
    firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
    resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
    num_firing: "{{ .Alerts.Firing | len }}",
    num_resolved: "{{ .Alerts.Resolved | len }}",
  } as Record<string, unknown>,
} as const;

export const PAGERDUTY_V1_UNSUPPORTED =
  "PagerDuty Events API v1 (service_key) is not supported; use routing_key";

export interface PagerdutyPayload {
  summary: string;
  source: string;
  severity: string;
  class?: string;
  component?: string;
  group?: string;
  custom_details?: Record<string, string>;
}

export interface PagerdutyMessage {
  routing_key: string;
  dedup_key: string;
  event_action: "trigger" | "resolve";
  payload: PagerdutyPayload;
  client?: string;
  client_url?: string;
}

/** PagerDuty refuses events larger than this (Alertmanager's maxEventSize). */
export const MAX_EVENT_BYTES = 512_000;

/** As Alertmanager's encodeMessage: an oversized event loses its custom details. */
export function fitEventSize(msg: PagerdutyMessage): PagerdutyMessage {
  if (Buffer.byteLength(JSON.stringify(msg)) <= MAX_EVENT_BYTES) return msg;
  return {
    ...msg,
    payload: {
      ...msg.payload,
      custom_details: {
        error:
          "Custom details have been removed because the original event exceeds the maximum size of 512KB",
      },
    },
  };
}

/** Alertmanager's notify.Key.Hash(): the hex SHA-256 of the group key. */
export function dedupKey(groupKey: string): string {
  return createHash("sha256").update(groupKey).digest("hex");
}

export function pagerdutyIntegration(
  receiver: string,
  index: number,
  conf: PagerdutyConfig,
  deps: BuildDeps,
): Integration {
  return integration({
    receiver,
    kind: "pagerduty",
    index,
    sendResolved: conf.sendResolved,
    check: () => {
      if (conf.serviceKey !== undefined || conf.serviceKeyFile !== undefined) {
        throw new NotifyError(PAGERDUTY_V1_UNSUPPORTED, false);
      }
    },
    async deliver(ctx, alerts, signal) {
      const data = notificationData(ctx, alerts);
      const now = deps.now;
      const t = (text: string) => deps.templates.render(text, data, { now });
      const details: Record<string, string> = {};
      for (const [k, v] of Object.entries(conf.details ?? PAGERDUTY_DEFAULTS.details)) {
        details[k] = typeof v === "string" ? await t(v) : JSON.stringify(v);
      }
      const client = await t(conf.client ?? PAGERDUTY_DEFAULTS.client);
      const summary = truncateRunes(
        await t(conf.description ?? PAGERDUTY_DEFAULTS.description),
        MAX_SUMMARY_RUNES,
      );
      const payload: PagerdutyPayload = {
        summary: summary.text,
        // Alertmanager: source defaults to client.
        source: conf.source === undefined ? client : await t(conf.source),
        severity: await t(conf.severity ?? PAGERDUTY_DEFAULTS.severity),
        custom_details: details,
      };
      for (const k of ["class", "component", "group"] as const) {
        const v = conf[k] === undefined ? "" : await t(conf[k]);
        if (v !== "") payload[k] = v;
      }
      const routingKey = await secretValue(
        deps.configDir,
        conf.routingKey,
        conf.routingKeyFile,
        "routing_key",
      );
      const clientUrl = await t(conf.clientUrl ?? PAGERDUTY_DEFAULTS.clientUrl);
      const msg: PagerdutyMessage = {
        routing_key: routingKey,
        dedup_key: dedupKey(ctx.groupKey),
        event_action: data.status === "firing" ? "trigger" : "resolve",
        payload,
        ...(client !== "" ? { client } : {}),
        ...(clientUrl !== "" ? { client_url: clientUrl } : {}),
      };
      const auth = await httpAuth(deps.configDir, conf.httpConfig);
      await postJSON(conf.url, fitEventSize(msg), {
        headers: auth.headers,
        fetchImpl: deps.fetchImpl,
        signal,
        timeoutMs: conf.timeoutMs,
        secrets: [routingKey, ...auth.secrets],
        what: "pagerduty",
      });
    },
  });
}
