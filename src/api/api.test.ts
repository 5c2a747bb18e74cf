import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import type { FastifyInstance } from "fastify";
import { compressSync } from "snappy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_REMOTE_WRITE_LIMITS, encodeWriteRequest } from "../ingest/index.js";
import { LocalStorage, labelsFromRecord, STALE_NAN } from "../storage/index.js";
import type { Db } from "../tsdb/index.js";
import { openTestDb } from "../tsdb/testdata/open-test-db.js";
import { buildServer } from "./server.js";
import { testApiDeps } from "./testing.js";

let dir: string;
let db: Db;
let app: FastifyInstance;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "reddot-api-"));
  db = await openTestDb(dir);
  app = buildServer(
    testApiDeps(new LocalStorage(db), {
      remoteWriteLimits: { ...DEFAULT_REMOTE_WRITE_LIMITS, maxBodyBytes: 64 * 1024 },
    }),
  );
});

afterEach(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const cpu = (host: string) => labelsFromRecord({ __name__: "cpu_usage", host, region: "eu" });

function write(body: Buffer) {
  return app.inject({
    method: "POST",
    url: "/api/v1/write",
    headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy" },
    payload: body,
  });
}

async function seriesCount(): Promise<number> {
  const r = await app.inject({ url: '/api/v1/series?match[]={__name__=~".+"}' });
  return (r.json() as { data: unknown[] }).data.length;
}

/** A WriteRequest built with an independent protobuf writer, labels as given (even if invalid). */
function rawRequest(labels: [string, string][], samples: [number, number][] = [[1, 1000]]): Buffer {
  return compressSync(rawProto(labels, samples));
}

/** The uncompressed protobuf of a WriteRequest with one series per label list. */
function rawProto(labels: [string, string][], samples: [number, number][] = [[1, 1000]]): Buffer {
  return rawProtoMany([labels], samples);
}

function rawProtoMany(
  seriesLabels: [string, string][][],
  samples: [number, number][] = [[1, 1000]],
): Buffer {
  const w = new BinaryWriter();
  for (const labels of seriesLabels) {
    w.uint32((1 << 3) | 2).fork();
    for (const [n, v] of labels)
      w.uint32((1 << 3) | 2)
        .fork()
        .uint32(10)
        .string(n)
        .uint32(18)
        .string(v)
        .join();
    for (const [v, t] of samples)
      w.uint32((2 << 3) | 2)
        .fork()
        .uint32(9)
        .double(v)
        .uint32(16)
        .int64(t)
        .join();
    w.join();
  }
  return Buffer.from(w.finish());
}

describe("remote write", () => {
  it("writes samples and reads them back through series, labels, values and export", async () => {
    const body = encodeWriteRequest([
      // A typed array: V8 may canonicalise the stale NaN inside a plain number[].
      { labels: cpu("a"), ts: [1000, 2000, 3000], vs: Float64Array.of(1.5, 2.5, STALE_NAN) },
      { labels: cpu("b"), ts: [1000], vs: [Number.POSITIVE_INFINITY] },
    ]);
    const r = await write(body);
    expect(r.statusCode).toBe(204);

    const series = await app.inject({ url: '/api/v1/series?match[]=cpu_usage{host=~"a|b"}' });
    expect(series.json()).toEqual({
      status: "success",
      data: [
        { __name__: "cpu_usage", host: "a", region: "eu" },
        { __name__: "cpu_usage", host: "b", region: "eu" },
      ],
    });
    const labels = await app.inject({ url: "/api/v1/labels" });
    expect(labels.json()).toEqual({ status: "success", data: ["__name__", "host", "region"] });
    const values = await app.inject({
      url: '/api/v1/label/host/values?match[]=cpu_usage{host!="b"}',
    });
    expect(values.json()).toEqual({ status: "success", data: ["a"] });

    const exp = await app.inject({ url: "/api/v1/export?match[]=cpu_usage&start=0&end=10" });
    expect(exp.statusCode).toBe(200);
    const lines = exp.body
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        metric: { __name__: "cpu_usage", host: "a", region: "eu" },
        values: [1.5, 2.5],
        timestamps: [1000, 2000],
      },
      {
        metric: { __name__: "cpu_usage", host: "b", region: "eu" },
        values: ["+Inf"],
        timestamps: [1000],
      },
    ]);
  });

  it("accepts the same data form-encoded by POST for series and labels", async () => {
    await write(encodeWriteRequest([{ labels: cpu("a"), ts: [1000], vs: [1] }]));
    const r = await app.inject({
      method: "POST",
      url: "/api/v1/series",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "match[]=cpu_usage&start=0&end=100",
    });
    expect(r.json().data).toHaveLength(1);
  });

  const malformed: [string, () => Buffer, RegExp][] = [
    ["bad snappy", () => Buffer.from("definitely not snappy at all"), /snappy/i],
    [
      "bad protobuf",
      () => compressSync(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])),
      /timeseries/,
    ],
    [
      "truncated protobuf",
      () => {
        const p = rawProto([["__name__", "x"]]);
        return compressSync(p.subarray(0, p.length - 3));
      },
      /timeseries/,
    ],
    [
      "unsorted labels",
      () =>
        rawRequest([
          ["__name__", "x"],
          ["b", "1"],
          ["a", "2"],
        ]),
      /sorted/,
    ],
    [
      "duplicate labels",
      () =>
        rawRequest([
          ["__name__", "x"],
          ["a", "1"],
          ["a", "2"],
        ]),
      /duplicate|sorted/,
    ],
    [
      "empty label name",
      () =>
        rawRequest([
          ["", "v"],
          ["__name__", "x"],
        ]),
      /empty|name/,
    ],
    ["missing metric name", () => rawRequest([["a", "1"]]), /__name__/],
  ];
  for (const [what, body, message] of malformed) {
    it(`answers 400 to ${what} and writes nothing`, async () => {
      // A valid series first in the same body would be a partial write if accepted.
      const r = await write(body());
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ status: "error", errorType: "bad_data" });
      expect(r.json().error).toMatch(message);
      expect(await seriesCount()).toBe(0);
    });
  }

  it("rejects a body with one bad series among good ones without writing the good ones", async () => {
    const body = rawProtoMany([
      [["__name__", "good"]],
      [
        ["__name__", "bad"],
        ["z", "1"],
        ["a", "1"],
      ],
    ]);
    const r = await write(compressSync(body));
    expect(r.statusCode).toBe(400);
    expect(await seriesCount()).toBe(0);
  });

  it("answers 413 to an oversized body and writes nothing", async () => {
    const big = Array.from({ length: 3000 }, (_, i) => ({
      labels: labelsFromRecord({
        __name__: "big",
        i: `${i}-${Math.random().toString(36)}${Math.random().toString(36)}`,
      }),
      ts: [1000],
      vs: [Math.random()],
    }));
    const r = await write(encodeWriteRequest(big));
    expect(r.statusCode).toBe(413);
    expect(await seriesCount()).toBe(0);
  });

  it("answers 400 naming the refusal when samples fall outside the accepted window", async () => {
    expect(
      (await write(encodeWriteRequest([{ labels: cpu("a"), ts: [10_000_000], vs: [1] }])))
        .statusCode,
    ).toBe(204);
    const r = await write(
      encodeWriteRequest([{ labels: cpu("a"), ts: [1000, 10_000_001], vs: [1, 2] }]),
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatch(/1 samples written, 1 refused \(1 out_of_bounds\)/);
  });
});

describe("read API errors", () => {
  it("answers bad selectors and times with Prometheus' error shape", async () => {
    for (const url of [
      "/api/v1/series?match[]=up{",
      '/api/v1/series?match[]={a=""}',
      "/api/v1/series",
      "/api/v1/series?match[]=up&start=yesterday",
      '/api/v1/labels?match[]=up{a=~"("}',
    ]) {
      const r = await app.inject({ url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json(), url).toMatchObject({ status: "error", errorType: "bad_data" });
    }
  });

  it("answers health and readiness", async () => {
    expect((await app.inject({ url: "/-/healthy" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/-/ready" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/api/v1/status/buildinfo" })).json().data.version).toBe(
      "test",
    );
  });
});
