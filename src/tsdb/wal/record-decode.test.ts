import { describe, expect, it } from "vitest";
import { prng } from "../../lib/prng.js";
import { STALE_NAN } from "../sample.js";
import { WalCorruptionError } from "./errors.js";
import { RecordType } from "./format.js";
import { decodeRecord, RecordDecoder } from "./record-decode.js";
import { encodeSamplesRecord, encodeSeriesRecord, type SeriesEntry } from "./records.js";
import { putUvarint, putVarint } from "./varint.js";

/** A canonical text of a samples record, values as bits so NaN payloads count. */
function samplesText(rec: ReturnType<typeof decodeRecord>): string {
  if (rec.type !== "samples") throw new Error(`want samples, got ${rec.type}`);
  expect(rec.refs.length).toBe(rec.length);
  expect(rec.ts.length).toBe(rec.length);
  expect(rec.vs.length).toBe(rec.length);
  const bits = Buffer.from(rec.vs.buffer, rec.vs.byteOffset, rec.length * 8).toString("hex");
  return `${Array.from(rec.refs).join(",")}|${Array.from(rec.ts).join(",")}|${bits}`;
}

/** Random samples whose deltas take 1 to 8 varint bytes, both signs. */
function randomSamples(next: () => number, n: number) {
  const refs = new Uint32Array(n);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const scales = [10, 1000, 2 ** 20, 2 ** 27, 2 ** 31, 2 ** 40, 2 ** 52];
  const baseRef = Math.floor(next() * 2 ** 32);
  const baseT = Math.floor((next() - 0.5) * 2 ** 50);
  for (let i = 0; i < n; i++) {
    const refScale = scales[Math.floor(next() * 5)];
    refs[i] = i === 0 ? baseRef : Math.min(2 ** 32 - 1, Math.floor(next() * refScale));
    const tScale = scales[Math.floor(next() * scales.length)];
    ts[i] = i === 0 ? baseT : baseT + Math.floor((next() - 0.5) * tScale);
    vs[i] = i % 5 === 4 ? STALE_NAN : (next() - 0.5) * 1e9;
  }
  return { refs, ts, vs };
}

describe("RecordDecoder", () => {
  it("decodes samples records like decodeRecord, whatever the varint lengths", () => {
    const next = prng(42);
    const decoder = new RecordDecoder();
    for (let round = 0; round < 300; round++) {
      const n = round < 20 ? round : Math.floor(next() * 3000);
      const { refs, ts, vs } = randomSamples(next, n);
      const enc = encodeSamplesRecord(refs, ts, vs, n);
      const payload = enc.subarray(1);
      const want = samplesText(decodeRecord(RecordType.samples, payload));
      expect(samplesText(decoder.decode(RecordType.samples, payload))).toBe(want);
      expect(want).toBe(samplesText({ type: "samples", refs, ts, vs, length: n, ooo: false }));
    }
  });

  it("reuses its arrays: a record is overwritten by the next one", () => {
    const decoder = new RecordDecoder();
    const a = encodeSamplesRecord(
      Uint32Array.of(1, 2),
      Float64Array.of(10, 20),
      Float64Array.of(1, 2),
      2,
    );
    const b = encodeSamplesRecord(Uint32Array.of(7), Float64Array.of(70), Float64Array.of(7), 1);
    const first = decoder.decode(RecordType.samples, a.subarray(1));
    const second = decoder.decode(RecordType.samples, b.subarray(1));
    if (first.type !== "samples" || second.type !== "samples") throw new Error("wrong type");
    expect(second.length).toBe(1);
    expect(Array.from(second.refs)).toEqual([7]);
    // The documented contract: the first record's arrays now show the second's samples.
    expect(first.refs[0]).toBe(7);
  });

  it("decodes series records like decodeRecord: repeated, non-ASCII, long and many distinct strings", () => {
    const next = prng(7);
    const decoder = new RecordDecoder();
    // 6 × 2000 series with 3 distinct values each: more strings than cache slots.
    for (let round = 0; round < 6; round++) {
      const series: SeriesEntry[] = [];
      for (let i = 0; i < 2000; i++) {
        const id = Math.floor(next() * 50_000);
        series.push({
          ref: id,
          labels: [
            { name: "__name__", value: `metric_${id % 97}` },
            { name: "city", value: id % 3 === 0 ? `Zürich ${id}` : `zurich ${id}` },
            { name: "host", value: `host-${id}` },
            { name: "long", value: "x".repeat(60 + (id % 10)) },
            { name: "z", value: String.fromCharCode(0x41 + (id % 26)) },
          ],
        });
      }
      const payload = encodeSeriesRecord(series).subarray(1);
      const got = decoder.decode(RecordType.series, payload);
      expect(got).toEqual(decodeRecord(RecordType.series, payload));
      expect(got).toEqual({ type: "series", series });
    }
  });

  it("hands out one string for repeated label bytes", () => {
    const decoder = new RecordDecoder();
    const labels = [{ name: "job", value: "node" }];
    const enc = encodeSeriesRecord([
      { ref: 1, labels },
      { ref: 2, labels },
    ]);
    const rec = decoder.decode(RecordType.series, enc.subarray(1));
    if (rec.type !== "series") throw new Error("wrong type");
    expect(rec.series[1].labels[0].value).toBe(rec.series[0].labels[0].value);
  });

  it("rejects what decodeRecord rejects: truncation, trailing bytes, deltas into the value block", () => {
    const decoder = new RecordDecoder();
    const next = prng(3);
    const { refs, ts, vs } = randomSamples(next, 40);
    const good = encodeSamplesRecord(refs, ts, vs, 40).subarray(1);
    for (let cut = 0; cut < good.length; cut++) {
      const part = good.subarray(0, cut);
      expect(() => decodeRecord(RecordType.samples, part)).toThrow(WalCorruptionError);
      expect(() => decoder.decode(RecordType.samples, part)).toThrow(WalCorruptionError);
    }
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(() => decoder.decode(RecordType.samples, longer)).toThrow(/trailing/);
    expect(() => decoder.decode(9, good)).toThrow(/unknown record type 9/);
  });

  it("rejects a ref delta that leaves the u32 range, on both varint paths", () => {
    for (const delta of [1, 2 ** 27 + 5]) {
      // n = 1, ref0 = 2^32 - 1, t0 = 0, then Δref = +delta, Δt = 0, one value.
      const buf = new Uint8Array(64);
      let pos = putUvarint(buf, 0, 1);
      pos = putUvarint(buf, pos, 0xffff_ffff);
      pos = putVarint(buf, pos, 0);
      pos = putVarint(buf, pos, delta);
      pos = putVarint(buf, pos, 0);
      const payload = buf.subarray(0, pos + 8);
      expect(() => new RecordDecoder().decode(RecordType.samples, payload)).toThrow(/not a u32/);
      expect(() => decodeRecord(RecordType.samples, payload)).toThrow(/not a u32/);
    }
  });

  it("rejects deltas that run into the value block", () => {
    // n = 2 but only one delta pair, so the second pair starts in the value block.
    const buf = new Uint8Array(64);
    let pos = putUvarint(buf, 0, 2);
    pos = putUvarint(buf, pos, 5);
    pos = putVarint(buf, pos, 100);
    pos = putVarint(buf, pos, 0);
    pos = putVarint(buf, pos, 0);
    const payload = buf.subarray(0, pos + 16);
    expect(() => new RecordDecoder().decode(RecordType.samples, payload)).toThrow(
      /deltas of sample 1 of 2 run into the value block/,
    );
  });
});

describe("out-of-order samples records", () => {
  it("carry their kind through encoding and both decoders", () => {
    const refs = Uint32Array.of(3, 4);
    const ts = Float64Array.of(1000, 900);
    const vs = Float64Array.of(1.5, 2.5);
    const enc = encodeSamplesRecord(refs, ts, vs, 2, true);
    expect(enc[0]).toBe(RecordType.oooSamples);
    const rec = decodeRecord(RecordType.oooSamples, enc.subarray(1));
    expect(rec).toMatchObject({ type: "samples", ooo: true, length: 2 });
    const again = new RecordDecoder().decode(RecordType.oooSamples, enc.subarray(1));
    expect(again).toMatchObject({ type: "samples", ooo: true, length: 2 });
    const plain = encodeSamplesRecord(refs, ts, vs, 2);
    expect(plain[0]).toBe(RecordType.samples);
    expect(decodeRecord(RecordType.samples, plain.subarray(1))).toMatchObject({ ooo: false });
  });
});
