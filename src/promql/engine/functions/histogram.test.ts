import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../../../storage/index.js";
import type { VectorSample } from "../../values.js";
import { type Bucket, bucketFraction, bucketQuantile } from "./classic-buckets.js";
import { histogramQuantile, histogramQuantiles, parseBucketBound } from "./histogram.js";
import { contextFor } from "./test-window.js";

const INF = Number.POSITIVE_INFINITY;

function buckets(pairs: [number, number][]): Bucket[] {
  return pairs.map(([upperBound, count]) => ({ upperBound, count }));
}

function sample(labels: Record<string, string>, v: number): VectorSample {
  return { labels: labelsFromRecord(labels), t: 0, v };
}

describe("bucketQuantile", () => {
  const h = () =>
    buckets([
      [0.1, 10],
      [0.5, 30],
      [1, 40],
      [INF, 40],
    ]);

  it("interpolates linearly inside the bucket holding the rank", () => {
    // Rank 20 lies in (0.1, 0.5] holding 20 observations, 10 of them below the rank: 0.1 + 0.4 * 10/20.
    expect(bucketQuantile(0.5, h()).value).toBeCloseTo(0.3, 12);
    // Rank 4 in the first bucket, which starts at 0.
    expect(bucketQuantile(0.1, h()).value).toBeCloseTo(0.04, 12);
    expect(bucketQuantile(1, h()).value).toBe(1);
  });

  it("a rank in the +Inf bucket gives the highest finite bound", () => {
    expect(
      bucketQuantile(
        0.99,
        buckets([
          [1, 0],
          [INF, 10],
        ]),
      ).value,
    ).toBe(1);
  });

  it("accepts buckets in any order", () => {
    const shuffled = h().reverse();
    expect(bucketQuantile(0.5, shuffled).value).toBeCloseTo(0.3, 12);
  });

  it("is NaN without +Inf bucket, with a single bucket or without observations", () => {
    expect(bucketQuantile(0.5, buckets([[1, 5]])).value).toBeNaN();
    expect(bucketQuantile(0.5, buckets([[INF, 5]])).value).toBeNaN();
    expect(
      bucketQuantile(
        0.5,
        buckets([
          [1, 0],
          [INF, 0],
        ]),
      ).value,
    ).toBeNaN();
  });

  it("q outside [0, 1] is ±Inf, NaN q is NaN", () => {
    expect(bucketQuantile(-0.1, h()).value).toBe(-INF);
    expect(bucketQuantile(1.1, h()).value).toBe(INF);
    expect(bucketQuantile(Number.NaN, h()).value).toBeNaN();
  });

  it("a non-positive lowest bound is returned as is", () => {
    expect(
      bucketQuantile(
        0.2,
        buckets([
          [-1, 5],
          [INF, 10],
        ]),
      ).value,
    ).toBe(-1);
  });

  it("merges equal bounds", () => {
    // 0.2 holds 5 + 5: rank 5 of 10 inside (0, 0.2].
    const b = buckets([
      [0.2, 5],
      [0.2, 5],
      [INF, 10],
    ]);
    expect(bucketQuantile(0.5, b).value).toBeCloseTo(0.1, 12);
  });

  it("repairs decreasing counts and reports where", () => {
    const r = bucketQuantile(
      0.5,
      buckets([
        [1, 10],
        [2, 8],
        [INF, 12],
      ]),
    );
    // Counts become 10, 10, 12: rank 6 in the first bucket.
    expect(r.value).toBeCloseTo(0.6, 12);
    expect(r.fix).toEqual({ minBucket: 2, maxBucket: 2, maxDiff: 2 });
  });

  it("treats counts within 1e-12 (relative) as equal without reporting", () => {
    const r = bucketQuantile(
      0.5,
      buckets([
        [1, 10],
        [2, 10 - 1e-13],
        [INF, 20],
      ]),
    );
    expect(r.fix).toBeUndefined();
    // Counts 10, 10, 20: rank 10 is reached at the end of the first bucket.
    expect(r.value).toBe(1);
  });
});

describe("bucketFraction", () => {
  const h = () =>
    buckets([
      [1, 10],
      [2, 20],
      [INF, 20],
    ]);

  it("interpolates the bounds inside their buckets", () => {
    // lower 0 is the first bucket's start (rank 0); upper 1.5 is halfway through (1, 2]: 10 + 5.
    expect(bucketFraction(0, 1.5, h())).toBeCloseTo(15 / 20, 12);
    expect(bucketFraction(0.5, 1, h())).toBeCloseTo(5 / 20, 12);
  });

  it("covers everything from -Inf to +Inf; nothing when lower >= upper", () => {
    expect(bucketFraction(-INF, INF, h())).toBe(1);
    expect(bucketFraction(2, 2, h())).toBe(0);
    expect(bucketFraction(3, 2, h())).toBe(0);
  });

  it("is NaN without observations, +Inf bucket or with a NaN bound", () => {
    expect(bucketFraction(0, 1, buckets([[1, 3]]))).toBeNaN();
    expect(bucketFraction(Number.NaN, 1, h())).toBeNaN();
  });
});

describe("parseBucketBound (Go ParseFloat)", () => {
  it("accepts Prometheus's spellings of bounds", () => {
    expect(parseBucketBound("+Inf")).toBe(INF);
    expect(parseBucketBound("+inf")).toBe(INF);
    expect(parseBucketBound("Infinity")).toBe(INF);
    expect(parseBucketBound("-Inf")).toBe(-INF);
    expect(parseBucketBound("2e-1")).toBe(0.2);
    expect(parseBucketBound(".5")).toBe(0.5);
    expect(parseBucketBound("NaN")).toBeNaN();
  });

  it("rejects what Go rejects", () => {
    for (const s of ["", "Hello World", "1e400", "1_0", "0.1 ", "+nan"]) {
      expect(parseBucketBound(s), s).toBeUndefined();
    }
  });
});

describe("histogram_quantile", () => {
  const input = [
    sample({ __name__: "req_bucket", job: "a", le: "0.5" }, 5),
    sample({ __name__: "req_bucket", job: "a", le: "+Inf" }, 10),
    sample({ __name__: "req_bucket", job: "b", le: "1" }, 0),
    sample({ __name__: "req_bucket", job: "b", le: "+Inf" }, 4),
  ];

  it("groups by the labels without le and marks the name for removal", () => {
    const out = histogramQuantile(
      { vectors: [input], scalars: [0.5], strings: [], t: 60_000 },
      contextFor(),
    );
    expect(out).toEqual([
      {
        labels: labelsFromRecord({ __name__: "req_bucket", job: "a" }),
        t: 60_000,
        v: 0.5,
        dropName: true,
      },
      {
        labels: labelsFromRecord({ __name__: "req_bucket", job: "b" }),
        t: 60_000,
        v: 1,
        dropName: true,
      },
    ]);
  });

  it("warns about a bad le, naming the metric only under delayed name removal", () => {
    const query = "histogram_quantile(0.8, series)";
    const pos = [
      { start: 19, end: 22 },
      { start: 24, end: 30 },
    ];
    const bad = [sample({ __name__: "series", ale: "0.1" }, 2)];
    const delayed = contextFor(query, { argPositions: pos, delayedNameRemoval: true });
    expect(
      histogramQuantile({ vectors: [bad], scalars: [0.8], strings: [], t: 0 }, delayed),
    ).toEqual([]);
    expect(delayed.annotations.warnings).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "" for metric name "series" (1:25)',
    ]);
    const plain = contextFor(query, { argPositions: pos });
    histogramQuantile({ vectors: [bad], scalars: [0.8], strings: [], t: 0 }, plain);
    expect(plain.annotations.warnings).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "" (1:25)',
    ]);
  });

  it("warns about a bad quantile at the q argument, even without input", () => {
    const c = contextFor("histogram_quantile(NaN, x)", {
      argPositions: [
        { start: 19, end: 22 },
        { start: 24, end: 25 },
      ],
    });
    histogramQuantile({ vectors: [[]], scalars: [Number.NaN], strings: [], t: 0 }, c);
    expect(c.annotations.warnings).toEqual([
      "PromQL warning: quantile value should be between 0 and 1, got NaN (1:20)",
    ]);
  });

  it("merges monotonicity repairs into one info per query", () => {
    const c = contextFor("histogram_quantile(0.5, x)", {
      argPositions: [
        { start: 19, end: 22 },
        { start: 24, end: 25 },
      ],
    });
    const dipping = (d: number) => [
      sample({ le: "1" }, 10),
      sample({ le: "10" }, 10 - d),
      sample({ le: "+Inf" }, 12),
    ];
    histogramQuantile({ vectors: [dipping(2)], scalars: [0.5], strings: [], t: 3_000_000 }, c);
    histogramQuantile({ vectors: [dipping(4)], scalars: [0.5], strings: [], t: 3_060_000 }, c);
    expect(c.annotations.infos).toEqual([
      "PromQL info: input to histogram_quantile needed to be fixed for monotonicity " +
        "(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile), " +
        "from buckets 10 to 10, with a max diff of 4, over 2 samples " +
        "from 1970-01-01T00:50:00Z to 1970-01-01T00:51:00Z (1:25)",
    ]);
  });
});

describe("histogram_quantiles", () => {
  it("writes each quantile into the named label, OpenMetrics-formatted", () => {
    const input = [sample({ le: "1" }, 5), sample({ le: "+Inf" }, 10)];
    const out = histogramQuantiles(
      { vectors: [input], scalars: [0, 0.5, 1], strings: ["q"], t: 0 },
      contextFor(),
    );
    expect(out.map((s) => [s.labels, s.v])).toEqual([
      [labelsFromRecord({ q: "0.0" }), 0],
      [labelsFromRecord({ q: "0.5" }), 1],
      [labelsFromRecord({ q: "1.0" }), 1],
    ]);
  });
});
