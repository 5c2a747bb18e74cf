/** The HTTP API: Prometheus-compatible endpoints and reddot's own. */

export { parsePromDuration, parsePromTime } from "./params.js";
export type { FleetDeps } from "./routes/agent.js";
export {
  type HeartbeatDeps,
  MAX_HEARTBEAT_BODY_BYTES,
  parseHeartbeat,
} from "./routes/heartbeat.js";
export {
  gettableAlert,
  MAX_ALERTS_BODY_BYTES,
  MAX_POSTED_ALERTS,
  type NotifyAlertsApi,
} from "./routes/notify-alerts.js";
export { DEFAULT_QUERY_LIMITS, type QueryLimits } from "./routes/query.js";
export type { RulesApi } from "./routes/rules.js";
export { gettableSilence, MAX_SILENCE_BODY_BYTES } from "./routes/silences.js";
export type { ApiDeps, BuildInfo } from "./server.js";
export { buildServer } from "./server.js";
export { readTlsFiles, type TlsMaterial } from "./tls.js";
