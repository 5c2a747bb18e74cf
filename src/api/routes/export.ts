import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ReddotError } from "../../lib/errors.js";
import { isStaleNaN, labelsKey, labelsToRecord, type StoredSeries } from "../../storage/index.js";
import { collectParams, MAX_TIME, MIN_TIME, parseMatchParams, parseTimeParam } from "../params.js";
import type { ApiDeps } from "../server.js";

/** Renders a sample value; JSON has no NaN or infinities, so those become strings. */
function jsonValue(v: number): string {
  if (Number.isFinite(v)) return JSON.stringify(v);
  if (Number.isNaN(v)) return '"NaN"';
  return v > 0 ? '"+Inf"' : '"-Inf"';
}

/** One JSON line per series: {"metric":{...},"values":[...],"timestamps":[...]}. */
function* exportLines(series: StoredSeries[], start: number, end: number): Generator<string> {
  for (const s of series) {
    const buf = s.samples(start, end);
    const values: string[] = [];
    const times: number[] = [];
    for (let i = 0; i < buf.length; i++) {
      const v = buf.vs[i];
      if (isStaleNaN(v)) continue; // markers are not data; see docs/api.md
      values.push(jsonValue(v));
      times.push(buf.ts[i]);
    }
    if (times.length === 0) continue;
    yield `{"metric":${JSON.stringify(labelsToRecord(s.labels))},"values":[${values.join(",")}],"timestamps":[${times.join(",")}]}\n`;
  }
}

/**
 * GET/POST /api/v1/export?match[]=...&start=&end=: raw samples as JSON lines,
 * the shape VictoriaMetrics' export uses, streamed series by series.
 */
export function registerExportRoute(app: FastifyInstance, deps: ApiDeps): void {
  const handler = async (req: FastifyRequest) => {
    const p = collectParams(req.query, req.body);
    const selectors = parseMatchParams(p);
    if (selectors.length === 0)
      throw new ReddotError("RD_BAD_PARAM", 400, "no match[] parameter provided");
    const start = parseTimeParam(p, "start", MIN_TIME);
    const end = parseTimeParam(p, "end", MAX_TIME);
    if (end < start)
      throw new ReddotError(
        "RD_BAD_PARAM",
        400,
        'invalid parameter "end": end timestamp must not be before start time',
      );
    const q = deps.storage.querier(start, end);
    const seen = new Set<string>();
    const series: StoredSeries[] = [];
    try {
      for (const m of selectors) {
        for (const s of q.select(m)) {
          const key = labelsKey(s.labels);
          if (!seen.has(key)) {
            seen.add(key);
            series.push(s);
          }
        }
      }
    } catch (e) {
      q.close();
      throw e;
    }
    // The series are read while the stream runs: the querier stays open until
    // the stream closes (ended, failed, or destroyed when the client goes away).
    const stream = Readable.from(exportLines(series, start, end));
    stream.once("close", () => q.close());
    return stream;
  };
  app.get("/api/v1/export", async (req, reply) =>
    reply.type("application/stream+json").send(await handler(req)),
  );
  app.post("/api/v1/export", async (req, reply) =>
    reply.type("application/stream+json").send(await handler(req)),
  );
}
