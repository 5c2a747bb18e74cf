import type { FastifyInstance } from "fastify";
import type { ApiDeps } from "../server.js";

/** /api/v1/status/buildinfo and /api/v1/targets. */
export function registerStatusRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/v1/status/buildinfo", async () => ({ status: "success", data: deps.buildInfo }));
  app.get("/api/v1/targets", async () => ({
    status: "success",
    data: deps.targets?.() ?? { activeTargets: [], droppedTargets: [] },
  }));
}
