/** Self-monitoring: the server's own metrics. */
export { createSelfMetrics } from "./metrics.js";
export type { SelfMetrics, StoreStatsSource } from "./metrics.js";
