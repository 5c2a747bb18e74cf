/**
 * The body of a successful /api/v1/query or /api/v1/query_range answer, in
 * Prometheus' exact shape:
 *
 *   {"status":"success","data":{"resultType":"vector","result":[...],"stats":{...}},
 *    "warnings":[...],"infos":[...]}
 *
 * yielded in batches of roughly BATCH_CHARS, so a big matrix is streamed
 * rather than held as one giant string.
 */
import type { QueryStats, Value } from "../promql/index.js";
import {
  formatFloatSeconds,
  formatSampleValue,
  formatScalarValue,
  formatTimestamp,
  labelsJson,
  stringsJson,
} from "./promql-json.js";

/** Characters per yielded batch: large enough to keep writes few, small enough to stream. */
const BATCH_CHARS = 64 * 1024;

/** What to render besides the value. */
export interface QueryResponseParts {
  readonly value: Value;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
  /** Rendered as `data.stats` when set (the `stats` parameter was given). */
  readonly stats?: QueryStats;
}

/** Yields the JSON answer in batches; joined, they are one JSON document. */
export function* renderQueryResponse(parts: QueryResponseParts): Generator<string> {
  const { value } = parts;
  let out = `{"status":"success","data":{"resultType":"${value.type}","result":`;
  switch (value.type) {
    case "scalar":
      out += `[${formatFloatSeconds(value.t)},"${formatScalarValue(value.v)}"]`;
      break;
    case "string":
      out += `[${formatFloatSeconds(value.t)},${JSON.stringify(value.v)}]`;
      break;
    case "vector": {
      out += "[";
      const samples = value.samples;
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i];
        if (i > 0) out += ",";
        out += `{"metric":${labelsJson(s.labels)},"value":[${formatTimestamp(s.t)},"${formatSampleValue(s.v)}"]}`;
        if (out.length >= BATCH_CHARS) {
          yield out;
          out = "";
        }
      }
      out += "]";
      break;
    }
    case "matrix": {
      out += "[";
      const series = value.series;
      for (let i = 0; i < series.length; i++) {
        const s = series[i];
        if (i > 0) out += ",";
        out += `{"metric":${labelsJson(s.labels)}`;
        const { ts, vs } = s;
        // Prometheus leaves `values` out of a series without points.
        if (ts.length > 0) {
          out += ',"values":[';
          for (let j = 0; j < ts.length; j++) {
            if (j > 0) out += ",";
            out += `[${formatTimestamp(ts[j])},"${formatSampleValue(vs[j])}"]`;
            if (out.length >= BATCH_CHARS) {
              yield out;
              out = "";
            }
          }
          out += "]";
        }
        out += "}";
      }
      out += "]";
      break;
    }
  }
  if (parts.stats !== undefined) out += `,"stats":${statsJson(parts.stats)}`;
  out += "}";
  const warnings = stringsJson(parts.warnings);
  if (warnings !== "") out += `,"warnings":${warnings}`;
  const infos = stringsJson(parts.infos);
  if (infos !== "") out += `,"infos":${infos}`;
  yield `${out}}`;
}

/**
 * Prometheus' `stats` object (util/stats BuiltinStats). reddot times the
 * whole evaluation only, so it stands for both total and inner evaluation;
 * every loaded sample counts as read.
 */
function statsJson(s: QueryStats): string {
  const secs = s.evalMs / 1000;
  return JSON.stringify({
    timings: {
      evalTotalTime: secs,
      resultSortTime: 0,
      queryPreparationTime: 0,
      innerEvalTime: secs,
      execQueueTime: 0,
      execTotalTime: secs,
    },
    samples: {
      totalQueryableSamples: s.totalSamples,
      samplesRead: s.totalSamples,
      peakSamples: s.peakSamples,
    },
  });
}
