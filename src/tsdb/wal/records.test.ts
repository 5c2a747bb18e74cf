import { describe, expect, it } from "vitest";
import { STALE_NAN } from "../sample.js";
import { WalCorruptionError } from "./errors.js";
import { RecordType } from "./format.js";
import { decodeRecord } from "./record-decode.js";
import { encodeSamplesRecord, encodeSeriesRecord } from "./records.js";
import { putUvarint, putVarint } from "./varint.js";

function decode(encoded: Uint8Array) {
  return decodeRecord(encoded[0], encoded.subarray(1));
}

function bitsOf(vs: Float64Array): string {
  return Buffer.from(vs.buffer, vs.byteOffset, vs.byteLength).toString("hex");
}

describe("series records", () => {
  it("round-trip refs and labels, including non-ASCII and empty sets", () => {
    const series = [
      { ref: 0, labels: [] },
      {
        ref: 0xffff_ffff,
        labels: [
          { name: "__name__", value: "up" },
          { name: "city", value: "Zürich 東京 🚀" },
        ],
      },
      { ref: 42, labels: [{ name: "a", value: "x".repeat(1000) }] },
    ];
    const enc = encodeSeriesRecord(series);
    expect(enc[0]).toBe(RecordType.series);
    expect(decode(enc)).toEqual({ type: "series", series });
  });

  it("rejects refs that are not u32", () => {
    expect(() => encodeSeriesRecord([{ ref: 2 ** 32, labels: [] }])).toThrow(/BUG/);
    expect(() => encodeSeriesRecord([{ ref: -1, labels: [] }])).toThrow(/BUG/);
  });
});

describe("samples records", () => {
  it("round-trip values bit for bit: stale markers, other NaNs, -0, infinities", () => {
    const odd = new Float64Array(1);
    new Uint32Array(odd.buffer).set([0xdeadbeef, 0x7ff80001]); // a NaN with a payload
    const vs = Float64Array.of(1.5, STALE_NAN, odd[0], -0, Number.POSITIVE_INFINITY, -1e308, 0);
    const refs = Uint32Array.of(7, 0, 0xffff_ffff, 7, 8, 9, 7);
    const ts = Float64Array.of(1_700_000_000_000, 1_699_999_000_000, -5, 0, 2 ** 52, -(2 ** 52), 1);
    const dec = decode(encodeSamplesRecord(refs, ts, vs, vs.length));
    if (dec.type !== "samples") throw new Error("wrong type");
    expect(dec.length).toBe(7);
    expect(Array.from(dec.refs)).toEqual(Array.from(refs));
    expect(Array.from(dec.ts)).toEqual(Array.from(ts));
    expect(bitsOf(dec.vs)).toBe(bitsOf(vs));
  });

  it("encodes only the first n samples and handles n = 0", () => {
    const refs = Uint32Array.of(1, 2, 3);
    const ts = Float64Array.of(10, 20, 30);
    const vs = Float64Array.of(1, 2, 3);
    const dec = decode(encodeSamplesRecord(refs, ts, vs, 2));
    expect(dec.type === "samples" && Array.from(dec.ts)).toEqual([10, 20]);
    const empty = encodeSamplesRecord(refs, ts, vs, 0);
    expect(Array.from(empty)).toEqual([RecordType.samples, 0]);
    expect(decode(empty)).toMatchObject({ type: "samples", length: 0 });
  });

  it("takes about 12 bytes per sample for a typical scrape", () => {
    const n = 1000;
    const refs = new Uint32Array(n);
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      refs[i] = 5000 + i;
      ts[i] = 1_700_000_000_000 + (i % 3);
      vs[i] = i * 1.25;
    }
    const size = encodeSamplesRecord(refs, ts, vs, n).length;
    expect(size).toBeLessThanOrEqual(n * 12 + 16);
  });

  it("rejects non-integer timestamps and n out of range as bugs", () => {
    const one = Float64Array.of(1.5);
    expect(() => encodeSamplesRecord(Uint32Array.of(1), one, one, 1)).toThrow(/BUG/);
    expect(() => encodeSamplesRecord(Uint32Array.of(1), one, one, 2)).toThrow(/BUG/);
    const ts = Float64Array.of(1_700_000_000_000, 1_700_000_000_000.5);
    expect(() => encodeSamplesRecord(Uint32Array.of(1, 2), ts, ts, 2)).toThrow(/BUG/);
    const far = Float64Array.of(-(2 ** 52), 2 ** 52);
    expect(() => encodeSamplesRecord(Uint32Array.of(1, 2), far, far, 2)).toThrow(/BUG/);
  });

  it("writes the bytes of the layout: plain varints of the deltas, on both sides of 2^30", () => {
    const deltas = [0, 1, -1, 63, -64, 64, 8191, -8192, 2 ** 26, -(2 ** 30), 2 ** 30 - 1, 2 ** 30];
    const refs = new Uint32Array(deltas.length);
    const ts = new Float64Array(deltas.length);
    const vs = new Float64Array(deltas.length).map((_, i) => i / 3);
    const baseRef = 2 ** 31;
    const baseT = 1_700_000_000_000;
    deltas.forEach((d, i) => {
      refs[i] = i === 0 ? baseRef : baseRef + d;
      ts[i] = i === 0 ? baseT : baseT - 3 * d;
    });
    const want = new Uint8Array(1024);
    want[0] = RecordType.samples;
    let pos = putUvarint(want, 1, deltas.length);
    pos = putUvarint(want, pos, baseRef);
    pos = putVarint(want, pos, baseT);
    for (let i = 0; i < deltas.length; i++) {
      pos = putVarint(want, pos, refs[i] - baseRef);
      pos = putVarint(want, pos, ts[i] - baseT);
    }
    want.set(new Uint8Array(vs.buffer), pos);
    pos += vs.length * 8;
    expect(Array.from(encodeSamplesRecord(refs, ts, vs, deltas.length))).toEqual(
      Array.from(want.subarray(0, pos)),
    );
  });
});

describe("decodeRecord on bytes written from docs/formats/wal.md", () => {
  it("decodes the documented series example", () => {
    // count 1, ref 300, 1 label: "job" = "api"
    const payload = Uint8Array.of(
      0x01,
      0xac,
      0x02,
      0x01,
      0x03,
      0x6a,
      0x6f,
      0x62,
      0x03,
      0x61,
      0x70,
      0x69,
    );
    expect(decodeRecord(1, payload)).toEqual({
      type: "series",
      series: [{ ref: 300, labels: [{ name: "job", value: "api" }] }],
    });
  });

  it("decodes the documented samples example", () => {
    // count 2; first ref 300; first t 1000 (zigzag 2000 = d0 0f);
    // deltas: sample 0 (0, 0), sample 1 (ref +1 = 02, t -1 = 01); values: 1.0, stale NaN
    // biome-ignore format: one row per field group
    const payload = Uint8Array.of(
      0x02, 0xac, 0x02, 0xd0, 0x0f,
      0x00, 0x00, 0x02, 0x01,
      0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
      0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f,
    );
    const dec = decodeRecord(2, payload);
    if (dec.type !== "samples") throw new Error("wrong type");
    expect(Array.from(dec.refs)).toEqual([300, 301]);
    expect(Array.from(dec.ts)).toEqual([1000, 999]);
    expect(bitsOf(dec.vs)).toBe(bitsOf(Float64Array.of(1, STALE_NAN)));
  });
});

describe("decodeRecord on malformed payloads", () => {
  const good = encodeSamplesRecord(
    Uint32Array.of(1, 2),
    Float64Array.of(5, 6),
    Float64Array.of(1, 2),
    2,
  );

  it("throws WalCorruptionError for an unknown type, truncation and trailing bytes", () => {
    expect(() => decodeRecord(9, good.subarray(1))).toThrow(WalCorruptionError);
    for (let cut = 1; cut < good.length - 1; cut++) {
      expect(() => decodeRecord(2, good.subarray(1, 1 + cut))).toThrow(WalCorruptionError);
    }
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decode(longer)).toThrow(/trailing/);
  });

  it("refuses counts larger than the payload could hold", () => {
    expect(() => decodeRecord(1, Uint8Array.of(0xff, 0xff, 0x7f))).toThrow(/exceeds the payload/);
    expect(() => decodeRecord(2, Uint8Array.of(0xff, 0xff, 0x7f))).toThrow(/exceeds the payload/);
  });
});
