import type { FastifyInstance } from "fastify";
import { appendWriteRequest, decodeWriteRequest } from "../../ingest/index.js";
import type { ApiDeps } from "../server.js";

/** Upper bound of the cache of known series keys before it is rebuilt. */
const MAX_REF_CACHE = 4_000_000;

/**
 * POST /api/v1/write: Prometheus remote write 1.0. The whole body is decoded and
 * validated before anything is appended, so a malformed request writes nothing
 * and gets a 400 (the sender must not retry it); a store failure is a 500 (the
 * sender retries); success is a 204 once the WAL holds the samples.
 */
export function registerRemoteWriteRoute(app: FastifyInstance, deps: ApiDeps): void {
  const limits = deps.remoteWriteLimits;
  // Series key (raw label bytes) -> series ref; shared by all requests.
  let refCache = new Map<string, number>();
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: limits.maxBodyBytes },
      (_req, body, done) => {
        done(null, body);
      },
    );
    scope.post("/api/v1/write", async (req, reply) => {
      if (!deps.ready()) {
        return reply.code(503).send({
          status: "error",
          errorType: "unavailable",
          error: "starting up: WAL replay in progress",
        });
      }
      const body = req.body;
      if (!Buffer.isBuffer(body)) {
        return reply.code(400).send({
          status: "error",
          errorType: "bad_data",
          error: "empty body; want snappy-compressed protobuf",
        });
      }
      const decoded = decodeWriteRequest(body, limits);
      if (refCache.size > MAX_REF_CACHE) refCache = new Map();
      const appender = deps.storage.appender();
      appendWriteRequest(appender, decoded, refCache);
      const result = await appender.commit();
      const refused = Object.values(result.refused).reduce((a, b) => a + (b ?? 0), 0);
      if (refused > 0) {
        const detail = Object.entries(result.refused)
          .map(([k, v]) => `${v} ${k}`)
          .join(", ");
        deps.onRemoteWrite?.({ status: 400, samples: result.accepted, refused });
        return reply.code(400).send({
          status: "error",
          errorType: "bad_data",
          error: `${result.accepted} samples written, ${refused} refused (${detail})`,
        });
      }
      deps.onRemoteWrite?.({ status: 204, samples: result.accepted, refused: 0 });
      return reply.code(204).send();
    });
  });
}
