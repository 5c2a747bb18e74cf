import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../server.js";

/** /-/healthy, /-/ready and /metrics, as Prometheus answers them. */
export function registerHealthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/-/healthy", async (_req, reply) =>
    reply.type("text/plain").send("reddot is Healthy.\n"),
  );
  app.get("/-/ready", async (_req, reply) => {
    if (deps.ready()) return reply.type("text/plain").send("reddot is Ready.\n");
    return reply.code(503).type("text/plain").send("Service Unavailable");
  });
  app.get("/metrics", async (_req, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
}
