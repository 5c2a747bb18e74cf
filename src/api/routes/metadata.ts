import type { FastifyInstance, FastifyRequest } from "fastify";
import { ReddotError } from "../../lib/errors.js";
import { parseSeriesSelector } from "../../promql/index.js";
import { metricMetadata, targetMetadata } from "../../scrape/index.js";
import { collectParams, type Params } from "../params.js";
import type { ApiDeps } from "../server.js";

/**
 * GET /api/v1/metadata and GET /api/v1/targets/metadata: TYPE/HELP/UNIT of
 * the metric families the scrape targets expose, as Prometheus answers them.
 */
export function registerMetadataRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get("/api/v1/metadata", async (req: FastifyRequest) => {
    const p = collectParams(req.query, undefined);
    const data = metricMetadata(deps.metadata?.() ?? [], {
      metric: p.get("metric")?.[0] ?? "",
      limit: intParam(p, "limit"),
      limitPerMetric: intParam(p, "limit_per_metric"),
    });
    return { status: "success", data };
  });

  app.get("/api/v1/targets/metadata", async (req: FastifyRequest) => {
    const p = collectParams(req.query, undefined);
    const limit = intParam(p, "limit");
    const match = p.get("match_target")?.[0] ?? "";
    const data = targetMetadata(deps.metadata?.() ?? [], {
      matchTarget: match === "" ? [] : parseSeriesSelector(match),
      metric: p.get("metric")?.[0] ?? "",
      limit,
    });
    return { status: "success", data };
  });
}

/** An integer parameter, -1 (no limit) when absent; Prometheus' text when not a number. */
function intParam(p: Params, name: string): number {
  const raw = p.get(name)?.[0];
  if (raw === undefined || raw === "") return -1;
  if (!/^[+-]?\d+$/.test(raw))
    throw new ReddotError("RD_BAD_PARAM", 400, `${name} must be a number`);
  return Number(raw);
}
