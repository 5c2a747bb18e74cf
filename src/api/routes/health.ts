import type { FastifyInstance, FastifyReply } from "fastify";
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
  // As Prometheus with --web.enable-lifecycle: reload the config repo.
  const reload = async (_req: unknown, reply: FastifyReply) => {
    if (deps.reload === undefined)
      return reply.code(404).send({
        status: "error",
        errorType: "not_found",
        error: "no config repo to reload (started without --config)",
      });
    await deps.reload();
    return reply.type("text/plain").send("reloaded\n");
  };
  app.post("/-/reload", reload);
  app.put("/-/reload", reload);
  app.get("/metrics", async (_req, reply) => {
    const body = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(body);
  });
}
