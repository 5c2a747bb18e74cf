/**
 * What /api/v1/query and /api/v1/query_range share: the query parameter,
 * per-query engine settings, error mapping to Prometheus' answers, logging,
 * truncation and the streamed answer.
 */
import { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isReddotError, ReddotError } from "../lib/errors.js";
import { Engine, ParseError, QueryError, type QueryResult, type Value } from "../promql/index.js";
import { badParam, type Params, parseDurationParam } from "./params.js";
import { renderQueryResponse } from "./query-response.js";

/** Longest query text accepted, in characters; far beyond any hand-written or generated query. */
export const MAX_QUERY_CHARS = 128 * 1024;

/** Queries slower than this are logged at info. */
const SLOW_QUERY_MS = 1000;

/** The `query` parameter; empty or absent fails as Prometheus' parser does. */
export function queryParam(params: Params): string {
  const q = params.get("query")?.[0] ?? "";
  if (q.length > MAX_QUERY_CHARS) {
    throw badParam(
      "query",
      `the query is ${q.length} characters long, more than the ${MAX_QUERY_CHARS} accepted`,
    );
  }
  if (q.trim() === "") throw badParam("query", "1:1: parse error: no expression found in input");
  return q;
}

/** Per-request engine settings from the `timeout` and `lookback_delta` parameters, ms. */
export interface QueryOverrides {
  readonly timeoutMs?: number;
  readonly lookbackDeltaMs?: number;
}

/** Parses `timeout` and `lookback_delta` with Prometheus' texts for bad values. */
export function queryOverrides(params: Params): QueryOverrides {
  const timeoutMs = parseDurationParam(params, "timeout");
  let lookbackDeltaMs: number | undefined;
  try {
    lookbackDeltaMs = parseDurationParam(params, "lookback_delta");
  } catch (e) {
    if (!isReddotError(e)) throw e;
    const raw = params.get("lookback_delta")?.[0] ?? "";
    throw new ReddotError(
      "RD_BAD_PARAM",
      400,
      `error parsing lookback delta duration: cannot parse ${JSON.stringify(raw)} to a valid duration`,
    );
  }
  return { timeoutMs, lookbackDeltaMs };
}

/**
 * The engine for one request: the configured one, or a copy whose timeout the
 * `timeout` parameter lowers (never raises) and whose lookback the
 * `lookback_delta` parameter replaces, as Prometheus' API allows.
 */
export function engineForRequest(base: Engine, o: QueryOverrides): Engine {
  const timeout = o.timeoutMs;
  const lookback = o.lookbackDeltaMs;
  const lowerTimeout = timeout !== undefined && timeout < base.options.timeoutMs;
  // As Prometheus: zero or negative means "the default".
  const newLookback = lookback !== undefined && lookback > 0;
  if (!lowerTimeout && !newLookback) return base;
  return new Engine({
    ...base.options,
    // Prometheus' deadline of "now + 0" times out at once; 1 ms is the closest.
    timeoutMs: lowerTimeout ? Math.max(1, timeout) : base.options.timeoutMs,
    lookbackDelta: newLookback ? lookback : base.options.lookbackDelta,
  });
}

/**
 * Runs `run`, mapping its failures to Prometheus' answers: errors found
 * before evaluation (syntax, types) are `invalid parameter "query"` 400s,
 * evaluation errors keep their kind (422 execution, 503 timeout). Each failure
 * is logged at debug, each slow query at info, with the query text only.
 */
export async function runLogged(
  req: FastifyRequest,
  query: string,
  run: () => Promise<QueryResult>,
): Promise<QueryResult> {
  const started = performance.now();
  let result: QueryResult;
  try {
    result = await run();
  } catch (e) {
    const mapped = mapQueryError(e);
    if (isReddotError(mapped))
      req.log.debug({ query, code: mapped.code, err: mapped.message }, "query failed");
    throw mapped;
  }
  const ms = performance.now() - started;
  if (ms > SLOW_QUERY_MS)
    req.log.info(
      { query, durationMs: Math.round(ms), samples: result.stats.totalSamples },
      "slow query",
    );
  return result;
}

/** A parse or preparation error as Prometheus words it; other errors unchanged. */
export function mapQueryError(e: unknown): unknown {
  if (e instanceof ParseError)
    return new QueryError(e.code, "bad_data", `invalid parameter "query": ${e.detail}`, {
      cause: e,
    });
  if (e instanceof QueryError && e.promType === "bad_data")
    return new QueryError(e.code, "bad_data", `invalid parameter "query": ${e.message}`, {
      cause: e,
    });
  return e;
}

/** Applies the `limit` parameter (vectors and matrices only) and the `stats` parameter's warning. */
export function finishResult(
  result: QueryResult,
  limit: number,
  statsParam: string,
): { value: Value; warnings: string[] } {
  let value = result.value;
  const warnings = [...result.warnings];
  if (limit > 0) {
    if (value.type === "vector" && value.samples.length > limit) {
      value = { type: "vector", samples: value.samples.slice(0, limit) };
      warnings.push("results truncated due to limit");
    } else if (value.type === "matrix" && value.series.length > limit) {
      value = { type: "matrix", series: value.series.slice(0, limit) };
      warnings.push("results truncated due to limit");
    }
  }
  if (statsParam !== "" && statsParam !== "true" && statsParam !== "all") {
    warnings.push(
      `value ${JSON.stringify(statsParam)} for parameter "stats" is deprecated and will be rejected in the next major release, use "true" or "all"`,
    );
  }
  return { value, warnings };
}

/** Sends the answer: one string when small, a stream of batches when big. */
export function sendQueryResult(
  reply: FastifyReply,
  result: QueryResult,
  limit: number,
  statsParam: string,
): FastifyReply {
  const { value, warnings } = finishResult(result, limit, statsParam);
  const batches = renderQueryResponse({
    value,
    warnings,
    infos: result.infos,
    stats: statsParam === "" ? undefined : result.stats,
  });
  reply.type("application/json");
  const first = batches.next();
  const second = batches.next();
  if (second.done) return reply.send(first.done ? "" : first.value);
  return reply.send(
    Readable.from(chain(first.value, second.value, batches), { objectMode: false }),
  );
}

function* chain(a: string, b: string, rest: Iterator<string>): Generator<string> {
  yield a;
  yield b;
  for (let r = rest.next(); !r.done; r = rest.next()) yield r.value;
}
