/** The HTTP API: Prometheus-compatible endpoints and reddot's own. */
export { buildServer } from "./server.js";
export type { ApiDeps, BuildInfo } from "./server.js";
