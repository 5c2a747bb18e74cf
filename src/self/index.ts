/** Self-monitoring: the server's own metrics. */

export type { SelfMetrics, StoreStatsSource } from "./metrics.js";
export { createSelfMetrics } from "./metrics.js";
