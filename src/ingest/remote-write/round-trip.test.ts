import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { compressSync, uncompressSync } from "snappy";
import { describe, expect, it } from "vitest";
import { pick, prng, randInt } from "../../lib/prng.js";
import type { Label, Labels } from "../../storage/index.js";
import { decodeWriteRequest } from "./decode.js";
import { encodeWriteRequest, type WriteSeries } from "./encode.js";

// The staleness marker (bits 0x7ff0000000000002), built here rather than
// imported so that these tests load only this folder's code.
const STALE_NAN = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0];
function isStaleNaN(v: number): boolean {
  return bits(v) === bits(STALE_NAN);
}

const VALUE_CHARS = [
  "a",
  "b",
  "z",
  "0",
  " ",
  '"',
  "\\",
  "\n",
  "é",
  "日本",
  "😀",
  "\u0000",
  "{",
  "=",
];
// No STALE_NAN here: V8 sets the quiet bit of a signalling NaN stored in a plain array.
const SPECIAL_VALUES = [
  0,
  -0,
  1,
  -1,
  Number.NaN,
  Infinity,
  -Infinity,
  5e-324,
  1.7976931348623157e308,
];
const SPECIAL_TS = [
  0,
  -1,
  1,
  1_700_000_000_000,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 32,
  2 ** 49,
  -(2 ** 40),
];

function randomSeries(r: () => number, nSeries: number): WriteSeries[] {
  const out: WriteSeries[] = [];
  for (let s = 0; s < nSeries; s++) {
    const byName = new Map<string, string>();
    byName.set("__name__", `metric_${randInt(r, 50)}`);
    const nLabels = randInt(r, 8);
    for (let k = 0; k < nLabels; k++) {
      let name = "";
      const len = 1 + randInt(r, 10);
      for (let c = 0; c < len; c++) name += "abcdefghij_XYZ"[randInt(r, 14)];
      let value = "";
      const vlen = 1 + randInt(r, 12);
      for (let c = 0; c < vlen; c++) value += pick(r, VALUE_CHARS);
      byName.set(name, value);
    }
    const labels: Label[] = [...byName].map(([name, value]) => ({ name, value }));
    labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const n = randInt(r, 6);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const special = r();
      ts[i] =
        special < 0.3 ? pick(r, SPECIAL_TS) : Math.floor((r() - 0.5) * 2 * Number.MAX_SAFE_INTEGER);
      const kind = r();
      if (kind < 0.1) vs[i] = STALE_NAN;
      else if (kind < 0.4) vs[i] = pick(r, SPECIAL_VALUES);
      else vs[i] = (r() - 0.5) * 1e6;
    }
    out.push({ labels, ts, vs });
  }
  return out;
}

/** Bits of a double, through a typed array only (an array literal may canonicalise NaNs). */
function bits(v: number): bigint {
  const f = new Float64Array(1);
  f[0] = v;
  return new BigUint64Array(f.buffer)[0];
}

/** Bits of every element of a Float64Array, straight from its buffer. */
function bitsOf(a: ArrayLike<number>): BigUint64Array {
  const f = a as Float64Array;
  return new BigUint64Array(f.buffer, f.byteOffset, f.length);
}

/** Built element by element: `new Float64Array([STALE_NAN])` would quiet the marker. */
function staleThenNaN(): Float64Array {
  const vs = new Float64Array(2);
  vs[0] = STALE_NAN;
  vs[1] = Number.NaN;
  return vs;
}

describe("remote write round trip", () => {
  it("decodes what the encoder wrote, for random requests", () => {
    const r = prng(42);
    for (let round = 0; round < 50; round++) {
      const input = randomSeries(r, 1 + randInt(r, 30));
      const req = decodeWriteRequest(encodeWriteRequest(input));
      expect(req.seriesCount).toBe(input.length);
      let j = 0;
      const got = bitsOf(req.vs);
      for (let s = 0; s < input.length; s++) {
        const want = bitsOf(input[s].vs);
        expect(req.labels(s)).toEqual(input[s].labels);
        for (let i = 0; i < input[s].ts.length; i++, j++) {
          expect(req.sampleSeries[j]).toBe(s);
          expect(req.ts[j]).toBe(input[s].ts[i]);
          expect(got[j]).toBe(want[i]);
        }
      }
      expect(req.sampleCount).toBe(j);
    }
  });

  it("keeps the staleness marker bit-exact", () => {
    const req = decodeWriteRequest(
      encodeWriteRequest([
        {
          labels: [{ name: "__name__", value: "up" }],
          ts: [1, 2],
          vs: staleThenNaN(),
        },
      ]),
    );
    expect(bitsOf(req.vs)[0]).toBe(0x7ff0000000000002n);
    expect(isStaleNaN(req.vs[0])).toBe(true);
    expect(isStaleNaN(req.vs[1])).toBe(false);
    expect(Number.isNaN(req.vs[1])).toBe(true);
  });

  it("gives equal keys to equal label sets and caches decoded labels", () => {
    const a: Labels = [
      { name: "__name__", value: "up" },
      { name: "job", value: "x" },
    ];
    const b: Labels = [
      { name: "__name__", value: "up" },
      { name: "job", value: "y" },
    ];
    const req = decodeWriteRequest(
      encodeWriteRequest([
        { labels: a, ts: [1], vs: [1] },
        { labels: b, ts: [1], vs: [1] },
        { labels: a, ts: [2], vs: [2] },
      ]),
    );
    expect(req.keys[0]).toBe(req.keys[2]);
    expect(req.keys[0]).not.toBe(req.keys[1]);
    expect(req.labels(1)).toBe(req.labels(1));
  });
});

/** Builds a WriteRequest with an independent encoder (@bufbuild/protobuf). */
function bufbuildRequest(): Uint8Array {
  const w = new BinaryWriter();
  // Series 0: labels split around a sample (non-contiguous), an exemplar, a
  // histogram, an unknown varint field and an unknown group.
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string("__name__");
  w.tag(2, WireType.LengthDelimited).string("http_requests_total");
  w.join();
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.Bit64).double(12.5);
  w.tag(2, WireType.Varint).int64(1_700_000_000_123n);
  w.join();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(2, WireType.LengthDelimited).string("GET"); // value before name: allowed
  w.tag(1, WireType.LengthDelimited).string("method");
  w.join();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string("zone");
  w.tag(2, WireType.LengthDelimited).string(""); // empty value: dropped
  w.join();
  w.tag(3, WireType.LengthDelimited).fork().tag(2, WireType.Bit64).double(1).join();
  w.tag(4, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint64(3).join();
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(2, WireType.Varint).int64(-5n); // negative timestamp, value absent (0)
  w.join();
  w.tag(9, WireType.Varint).uint64(123);
  w.tag(10, WireType.StartGroup).tag(1, WireType.Bit32).fixed32(7).tag(10, WireType.EndGroup);
  w.join();
  // Series 1: plain.
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string("__name__");
  w.tag(2, WireType.LengthDelimited).string("température");
  w.join();
  w.tag(2, WireType.LengthDelimited).fork();
  w.tag(1, WireType.Bit64).double(-3);
  w.tag(2, WireType.Varint).int64(9_007_199_254_740_991n);
  w.join();
  w.join();
  // Metadata and an unknown top-level field.
  w.tag(3, WireType.LengthDelimited).fork().tag(1, WireType.Varint).uint32(1).join();
  w.tag(5, WireType.LengthDelimited).bytes(new Uint8Array([1, 2, 3]));
  return w.finish();
}

describe("cross-check with @bufbuild/protobuf", () => {
  it("decodes a request written by BinaryWriter", () => {
    const req = decodeWriteRequest(compressSync(Buffer.from(bufbuildRequest())));
    expect(req.seriesCount).toBe(2);
    expect(req.labels(0)).toEqual([
      { name: "__name__", value: "http_requests_total" },
      { name: "method", value: "GET" },
    ]);
    expect(req.labels(1)).toEqual([{ name: "__name__", value: "température" }]);
    expect([...req.sampleSeries]).toEqual([0, 0, 1]);
    expect([...req.ts]).toEqual([1_700_000_000_123, -5, 9_007_199_254_740_991]);
    expect([...req.vs]).toEqual([12.5, 0, -3]);
    expect(req.skipped).toEqual({ exemplars: 1, histograms: 1, metadata: 1 });
  });

  it("writes what BinaryReader reads back", () => {
    const input = randomSeries(prng(7), 40);
    const raw = uncompressSync(encodeWriteRequest(input), { asBuffer: true }) as Buffer;
    const got = readWithBufbuild(raw);
    expect(got.length).toBe(input.length);
    for (let s = 0; s < input.length; s++) {
      expect(got[s].labels).toEqual(input[s].labels);
      expect(got[s].ts).toEqual(Array.from(input[s].ts));
      // Compare raw bits: a NaN stored in a plain JS array may lose its payload.
      expect(got[s].vs).toEqual(Array.from(bitsOf(input[s].vs)));
    }
  });
});

interface PlainSeries {
  labels: Label[];
  ts: number[];
  /** Value bits, read as fixed64 so that NaN payloads survive. */
  vs: bigint[];
}

/** A plain reader over @bufbuild's wire primitives, independent of decode.ts. */
function readWithBufbuild(bytes: Uint8Array): PlainSeries[] {
  const out: PlainSeries[] = [];
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [f, wt] = r.tag();
    if (f !== 1) {
      r.skip(wt);
      continue;
    }
    const ts = new BinaryReader(r.bytes());
    const series: PlainSeries = { labels: [], ts: [], vs: [] };
    while (ts.pos < ts.len) {
      const [tf, twt] = ts.tag();
      if (tf === 1) {
        const lr = new BinaryReader(ts.bytes());
        let name = "";
        let value = "";
        while (lr.pos < lr.len) {
          const [lf] = lr.tag();
          if (lf === 1) name = lr.string();
          else value = lr.string();
        }
        series.labels.push({ name, value });
      } else if (tf === 2) {
        const sr = new BinaryReader(ts.bytes());
        let t = 0;
        let v = 0n;
        while (sr.pos < sr.len) {
          const [sf] = sr.tag();
          if (sf === 1) v = BigInt(sr.fixed64());
          else t = Number(sr.int64());
        }
        series.ts.push(t);
        series.vs.push(v);
      } else {
        ts.skip(twt);
      }
    }
    out.push(series);
  }
  return out;
}
