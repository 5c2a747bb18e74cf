import type { FastifyInstance, FastifyRequest } from "fastify";
import { ReddotError } from "../../lib/errors.js";
import { labelsKey, labelsToRecord, type Matcher } from "../../storage/index.js";
import {
  collectParams,
  MAX_TIME,
  MIN_TIME,
  parseLimitParam,
  parseMatchParams,
  parseTimeParam,
} from "../params.js";
import type { ApiDeps } from "../server.js";

function params(req: FastifyRequest) {
  return collectParams(req.query, req.body);
}

/** /api/v1/series, /api/v1/labels and /api/v1/label/<name>/values, as in Prometheus. */
export function registerReadRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const series = async (req: FastifyRequest) => {
    const p = params(req);
    const selectors = parseMatchParams(p);
    if (selectors.length === 0)
      throw new ReddotError("RD_BAD_PARAM", 400, "no match[] parameter provided");
    const start = parseTimeParam(p, "start", MIN_TIME);
    const end = parseTimeParam(p, "end", MAX_TIME);
    const limit = parseLimitParam(p);
    const q = deps.storage.querier(start, end);
    try {
      const seen = new Set<string>();
      const data: Record<string, string>[] = [];
      for (const matchers of selectors) {
        for (const s of q.select(matchers)) {
          const key = labelsKey(s.labels);
          if (seen.has(key)) continue;
          seen.add(key);
          data.push(labelsToRecord(s.labels));
        }
      }
      const warnings: string[] = [];
      if (limit > 0 && data.length > limit) {
        data.length = limit;
        warnings.push("results truncated due to limit");
      }
      return { status: "success", data, ...(warnings.length > 0 ? { warnings } : {}) };
    } finally {
      q.close();
    }
  };
  app.get("/api/v1/series", series);
  app.post("/api/v1/series", series);

  const labels = async (req: FastifyRequest) => {
    const p = params(req);
    const names = collect(deps, p, (q, m) => q.labelNames(m));
    return limited(names, parseLimitParam(p));
  };
  app.get("/api/v1/labels", labels);
  app.post("/api/v1/labels", labels);

  app.get(
    "/api/v1/label/:name/values",
    async (req: FastifyRequest<{ Params: { name: string } }>) => {
      const p = params(req);
      const name = decodeLabelName(req.params.name);
      const values = collect(deps, p, (q, m) => q.labelValues(name, m));
      return limited(values, parseLimitParam(p));
    },
  );
}

/** Label names in the path may use Prometheus' `U__` escaping for UTF-8 names. */
function decodeLabelName(raw: string): string {
  if (!raw.startsWith("U__")) return raw;
  return raw
    .slice(3)
    .replace(/_([0-9a-fA-F]+)_|__/g, (_m, hex: string | undefined) =>
      hex === undefined ? "_" : String.fromCodePoint(Number.parseInt(hex, 16)),
    );
}

type QuerierLike = ReturnType<ApiDeps["storage"]["querier"]>;

function collect(
  deps: ApiDeps,
  p: Map<string, string[]>,
  get: (q: QuerierLike, m: readonly Matcher[]) => string[],
): string[] {
  const selectors = parseMatchParams(p);
  const start = parseTimeParam(p, "start", MIN_TIME);
  const end = parseTimeParam(p, "end", MAX_TIME);
  const q = deps.storage.querier(start, end);
  try {
    if (selectors.length === 0) return get(q, []);
    const all = new Set<string>();
    for (const m of selectors) for (const v of get(q, m)) all.add(v);
    return [...all].sort();
  } finally {
    q.close();
  }
}

function limited(data: string[], limit: number) {
  if (limit > 0 && data.length > limit) {
    return {
      status: "success",
      data: data.slice(0, limit),
      warnings: ["results truncated due to limit"],
    };
  }
  return { status: "success", data };
}
