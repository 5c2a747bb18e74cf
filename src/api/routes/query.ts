import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ReddotError } from "../../lib/errors.js";
import { parseExpr, prettyPrint } from "../../promql/index.js";
import {
  badParam,
  collectParams,
  parseDurationParam,
  parseLimitParam,
  parseRequiredTimeParam,
  parseTimeParam,
} from "../params.js";
import {
  engineForRequest,
  mapQueryError,
  queryOverrides,
  queryParam,
  runLogged,
  sendQueryResult,
} from "../query-run.js";
import type { ApiDeps } from "../server.js";

/** Query limits the API itself enforces, before the engine runs. */
export interface QueryLimits {
  /** Most points per series a range query may ask for ((end - start) / step). Prometheus: 11,000. */
  readonly maxPointsPerSeries: number;
}

/** Prometheus' own limit, used when the server is not configured otherwise. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxPointsPerSeries: 11_000 };

/**
 * GET|POST /api/v1/query, /api/v1/query_range and /api/v1/format_query, with
 * Prometheus' parameters, validation order, texts and answers (web/api/v1/api.go).
 */
export function registerQueryRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const instant = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = collectParams(req.query, req.body);
    const limit = parseLimitParam(p);
    const t = parseTimeParam(p, "time", Date.now());
    const overrides = queryOverrides(p);
    const query = queryParam(p);
    const engine = engineForRequest(deps.engine(), overrides);
    const result = await runLogged(req, query, () => engine.instantQuery(deps.storage, query, t));
    return sendQueryResult(reply, result, limit, p.get("stats")?.[0] ?? "");
  };
  app.get("/api/v1/query", instant);
  app.post("/api/v1/query", instant);

  const range = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = collectParams(req.query, req.body);
    const limit = parseLimitParam(p);
    const start = parseRequiredTimeParam(p, "start");
    const end = parseRequiredTimeParam(p, "end");
    if (end < start) throw badParam("end", "end timestamp must not be before start time");
    const step = requiredStep(p);
    const maxPoints = (deps.queryLimits?.() ?? DEFAULT_QUERY_LIMITS).maxPointsPerSeries;
    if (Math.floor((end - start) / step) > maxPoints) {
      throw new ReddotError(
        "RD_BAD_PARAM",
        400,
        `exceeded maximum resolution of ${maxPoints.toLocaleString("en-US")} points per timeseries. Try decreasing the query resolution (?step=XX)`,
      );
    }
    const overrides = queryOverrides(p);
    const query = queryParam(p);
    const engine = engineForRequest(deps.engine(), overrides);
    const result = await runLogged(req, query, () =>
      engine.rangeQuery(deps.storage, query, start, end, step),
    );
    return sendQueryResult(reply, result, limit, p.get("stats")?.[0] ?? "");
  };
  app.get("/api/v1/query_range", range);
  app.post("/api/v1/query_range", range);

  const format = async (req: FastifyRequest) => {
    const p = collectParams(req.query, req.body);
    const query = queryParam(p);
    const experimental = deps.engine().options.experimental;
    try {
      return { status: "success", data: prettyPrint(parseExpr(query, { experimental })) };
    } catch (e) {
      throw mapQueryError(e);
    }
  };
  app.get("/api/v1/format_query", format);
  app.post("/api/v1/format_query", format);

  // reddot stores no exemplars yet; the query is still checked so that a bad
  // one fails as in Prometheus, and Grafana's exemplar toggle gets an empty answer.
  const exemplars = async (req: FastifyRequest) => {
    const p = collectParams(req.query, req.body);
    const query = queryParam(p);
    const start = parseTimeParam(p, "start", Number.NEGATIVE_INFINITY);
    const end = parseTimeParam(p, "end", Number.POSITIVE_INFINITY);
    if (end < start) throw badParam("end", "end timestamp must not be before start time");
    try {
      parseExpr(query, { experimental: deps.engine().options.experimental });
    } catch (e) {
      throw mapQueryError(e);
    }
    return { status: "success", data: [] };
  };
  app.get("/api/v1/query_exemplars", exemplars);
  app.post("/api/v1/query_exemplars", exemplars);
}

/** `step`: required, a duration or float seconds, positive. */
function requiredStep(p: Map<string, string[]>): number {
  const raw = p.get("step")?.[0] ?? "";
  if (raw === "") throw badParam("step", 'cannot parse "" to a valid duration');
  const step = parseDurationParam(p, "step") ?? 0;
  if (step <= 0) {
    throw badParam(
      "step",
      "zero or negative query resolution step widths are not accepted. Try a positive integer",
    );
  }
  return step;
}
