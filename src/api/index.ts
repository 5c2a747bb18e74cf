/** The HTTP API: Prometheus-compatible endpoints and reddot's own. */

export type { ApiDeps, BuildInfo } from "./server.js";
export { buildServer } from "./server.js";
