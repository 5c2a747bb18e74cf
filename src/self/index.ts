/** Self-monitoring: the server's own metrics. */

export {
  type AlertingStatsSource,
  registerAlertingMetrics,
  registerDataDirMetrics,
} from "./alerting-metrics.js";
export type { SelfMetrics, StoreStatsSource } from "./metrics.js";
export { createSelfMetrics } from "./metrics.js";
