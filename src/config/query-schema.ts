import { z } from "zod";
import { durationField } from "./fields.js";

/** PromQL engine and query API settings (`query`), as Prometheus' --query.* flags. */
export interface QueryConfig {
  /** How far back an instant selector looks for a sample, ms (Prometheus --query.lookback-delta). */
  readonly lookbackDeltaMs: number;
  /** Longest a query may run, ms (--query.timeout); a request's `timeout` may only lower it. */
  readonly timeoutMs: number;
  /** Most samples one query may hold at once (--query.max-samples). */
  readonly maxSamples: number;
  /** Most points per series a range query may ask for (Prometheus' fixed 11,000). */
  readonly maxPointsPerSeries: number;
  /** Experimental PromQL (Prometheus --enable-feature=promql-experimental-functions and friends). */
  readonly experimentalFeatures: boolean;
}

/** Schema of reddot.yaml's `query` section. */
export const querySchema = z
  .strictObject({
    lookback_delta: durationField({ min: 1 })
      .prefault("5m")
      .describe("How far back an instant selector looks for the latest sample"),
    timeout: durationField({ min: 1 })
      .prefault("2m")
      .describe("Longest a query may run; a request's timeout parameter may only lower it"),
    max_samples: z
      .int()
      .positive()
      .default(50_000_000)
      .describe("Most samples one query may hold in memory at once; beyond it the query fails"),
    max_points_per_series: z
      .int()
      .positive()
      .default(11_000)
      .describe("Most points per series a range query may ask for ((end - start) / step)"),
    experimental_features: z
      .boolean()
      .default(false)
      .describe(
        "Experimental PromQL: functions, duration expressions, fill modifiers, anchored/smoothed ranges",
      ),
  })
  .transform(
    (q): QueryConfig => ({
      lookbackDeltaMs: q.lookback_delta,
      timeoutMs: q.timeout,
      maxSamples: q.max_samples,
      maxPointsPerSeries: q.max_points_per_series,
      experimentalFeatures: q.experimental_features,
    }),
  );
