/**
 * Notification integrations (Alertmanager's notifiers): email, webhook,
 * Slack, PagerDuty and forwarding to another Alertmanager, with retries.
 */
export { alertsEndpoint, type PostableAlert, postableAlert } from "./alertmanager.js";
export { buildIntegrations } from "./build.js";
export { alertsToSend, notificationData, rfc3339 } from "./data.js";
export { EMAIL_DEFAULTS } from "./email.js";
export { DEFAULT_HTTP_TIMEOUT_MS, MAX_RESPONSE_BYTES } from "./http.js";
export {
  dedupKey,
  PAGERDUTY_V1_UNSUPPORTED,
  type PagerdutyMessage,
  type PagerdutyPayload,
} from "./pagerduty.js";
export {
  abortableSleep,
  backoffMs,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_CAP_MS,
  DEFAULT_MAX_ATTEMPTS,
  type RetryOptions,
  sendWithRetry,
} from "./retry.js";
export { redactURL } from "./secrets.js";
export type { SlackAttachment, SlackRequest } from "./slack.js";
export {
  type AttemptRecord,
  type BuildDeps,
  type Integration,
  type IntegrationKind,
  type NotifyContext,
  NotifyError,
} from "./types.js";
export { type WebhookAlert, type WebhookMessage, webhookMessage } from "./webhook.js";
