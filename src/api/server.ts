import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Registry } from "prom-client";
import type { RemoteWriteLimits } from "../ingest/index.js";
import type { SilenceStore } from "../notify/index.js";
import type { Engine } from "../promql/index.js";
import type { TargetMetadata } from "../scrape/index.js";
import type { Storage } from "../storage/index.js";
import { errorHandler } from "./errors.js";
import { type FleetDeps, registerAgentRoutes } from "./routes/agent.js";
import { registerExportRoute } from "./routes/export.js";
import { registerHealthRoutes } from "./routes/health.js";
import { type HeartbeatDeps, registerHeartbeatRoutes } from "./routes/heartbeat.js";
import { registerHomeRoute } from "./routes/home.js";
import { registerMetadataRoutes } from "./routes/metadata.js";
import { type NotifyAlertsApi, registerNotifyAlertRoutes } from "./routes/notify-alerts.js";
import { type QueryLimits, registerQueryRoutes } from "./routes/query.js";
import { registerReadRoutes } from "./routes/read.js";
import { registerRemoteWriteRoute } from "./routes/remote-write.js";
import { type RulesApi, registerRulesRoutes } from "./routes/rules.js";
import { registerSilenceRoutes } from "./routes/silences.js";
import { registerStatusRoutes } from "./routes/status.js";

/** Build facts shown by /api/v1/status/buildinfo. */
export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

/** What the API needs from the rest of the server. */
export interface ApiDeps {
  storage: Storage;
  /** True once the store has replayed its WAL and the server can take traffic. */
  ready: () => boolean;
  /** Registry behind /metrics. */
  registry: Registry;
  remoteWriteLimits: RemoteWriteLimits;
  buildInfo: BuildInfo;
  /** The PromQL engine; a getter, so a reload can swap in one with new settings. */
  engine: () => Engine;
  /** Limits the query API checks itself (default Prometheus'); a getter, for reloads. */
  queryLimits?: () => QueryLimits;
  /** Metric metadata of the scrape targets, for /api/v1/metadata. */
  metadata?: () => readonly TargetMetadata[];
  /** Scrape status for /api/v1/targets, when a scrape manager runs. */
  targets?: () => unknown;
  /** Reloads the config repo (POST /-/reload); throws ConfigError on a bad config. */
  reload?: () => Promise<void>;
  /** Counts remote-write outcomes for self-monitoring. */
  onRemoteWrite?: (outcome: { status: number; samples: number; refused: number }) => void;
  /** Agent tokens, check lists and host state, for the agent endpoints (absent: agents are refused). */
  fleet?: FleetDeps;
  /** Rule groups and alerts for /api/v1/rules and /api/v1/alerts (absent: empty lists). */
  rules?: RulesApi;
  /** Silences for the Alertmanager v2 silence API (absent: those routes are not served). */
  silences?: SilenceStore;
  /** The notifier, for /api/v2/alerts and /api/v2/alerts/groups (absent: 404). */
  notifier?: NotifyAlertsApi;
  /**
   * Tokens accepted for writes to silences and alerts (see write-access.ts):
   * the configured agents.tokens, without the server's own local-agent token,
   * so loopback clients may write on a server with none configured.
   */
  writeTokenHashes?: () => ReadonlySet<string>;
  /** Heartbeat jobs and their stored runs (absent: the heartbeat routes are not served). */
  heartbeats?: HeartbeatDeps;
  logger?: FastifyBaseLogger;
  /** Serve HTTPS with this PEM key and certificate (chain) instead of HTTP. */
  https?: { key: string; cert: string };
}

/** Builds the HTTP app without listening (tests call `app.inject`). */
export function buildServer(deps: ApiDeps): FastifyInstance {
  // Typed as the HTTP flavour either way: routes see the same request objects.
  const app = Fastify({
    ...(deps.https === undefined ? {} : { https: deps.https }),
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    // Bounds every body that has no tighter limit of its own.
    bodyLimit: 1 << 20,
    // Path parameters (label names) stay bounded too.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 8192 },
  });
  app.setErrorHandler(errorHandler);
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string" },
    (_req, body, done) => {
      done(null, new URLSearchParams(body as string));
    },
  );
  registerHomeRoute(app, deps);
  registerHealthRoutes(app, deps);
  registerRemoteWriteRoute(app, deps);
  registerReadRoutes(app, deps);
  registerExportRoute(app, deps);
  registerQueryRoutes(app, deps);
  registerMetadataRoutes(app, deps);
  registerStatusRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerRulesRoutes(app, deps);
  registerSilenceRoutes(app, deps);
  registerNotifyAlertRoutes(app, deps);
  registerHeartbeatRoutes(app, deps);
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({
      status: "error",
      errorType: "not_found",
      error: `no route for ${req.method} ${req.url}`,
    });
  });
  return app;
}
