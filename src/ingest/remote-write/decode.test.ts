import { compressSync } from "snappy";
import { describe, expect, it } from "vitest";
import { ReddotError } from "../../lib/errors.js";
import { decodeWriteRequest } from "./decode.js";
import type { RemoteWriteLimits } from "./types.js";

// Hand-made protobuf, from the encoding rules (tag = field << 3 | wire type).

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function len(field: number, payload: ArrayLike<number>): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...Array.from(payload)];
}

const utf8 = (s: string) => [...Buffer.from(s, "utf8")];

function label(name: string | number[], value: string | number[]): number[] {
  const n = typeof name === "string" ? utf8(name) : name;
  const v = typeof value === "string" ? utf8(value) : value;
  return len(1, [...len(1, n), ...len(2, v)]);
}

function sample(v: number, t: number | bigint): number[] {
  const d = Buffer.alloc(8);
  d.writeDoubleLE(v);
  return len(2, [0x09, ...d, 0x10, ...varint(t)]);
}

function series(...parts: number[][]): number[] {
  return len(1, parts.flat());
}

const UP = label("__name__", "up");

function body(...seriesBytes: number[][]): Buffer {
  return compressSync(Buffer.from(seriesBytes.flat()));
}

function rejection(b: Uint8Array, limits?: Partial<RemoteWriteLimits>): ReddotError {
  let result: unknown;
  try {
    result = decodeWriteRequest(b, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(ReddotError);
    return e as ReddotError;
  }
  expect.fail(`decoded instead of rejecting: ${JSON.stringify(result)}`);
}

function expectReject(
  b: Uint8Array,
  code: string,
  message: string | RegExp,
  limits?: Partial<RemoteWriteLimits>,
): void {
  const e = rejection(b, limits);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(message);
  expect(e.status).toBe(code === "RD_TOO_LARGE" ? 413 : 400);
}

describe("fixtures written from the protobuf and snappy encoding rules", () => {
  it('decodes up{job="a"} 1 @1000', () => {
    // biome-ignore format: one line per field, as in the byte diagram of docs/formats/remote-write.md
    const raw = [
      0x0a, 0x28,                                                 // timeseries (1, len) 40 bytes
      0x0a, 0x0e,                                                 //   labels (1, len) 14 bytes
      0x0a, 0x08, 0x5f, 0x5f, 0x6e, 0x61, 0x6d, 0x65, 0x5f, 0x5f, //     name "__name__"
      0x12, 0x02, 0x75, 0x70,                                     //     value "up"
      0x0a, 0x08,                                                 //   labels (1, len) 8 bytes
      0x0a, 0x03, 0x6a, 0x6f, 0x62,                               //     name "job"
      0x12, 0x01, 0x61,                                           //     value "a"
      0x12, 0x0c,                                                 //   samples (2, len) 12 bytes
      0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,                         //     value (1, i64) 1.0
      0x10, 0xe8, 0x07,                                           //     timestamp (2, varint) 1000
    ];
    // Snappy block: uvarint length 42, one literal of 42 bytes (tag (42-1)<<2 = 0xa4).
    const snappy = Buffer.from([0x2a, 0xa4, ...raw]);
    const req = decodeWriteRequest(snappy);
    expect(req.seriesCount).toBe(1);
    expect(req.labels(0)).toEqual([
      { name: "__name__", value: "up" },
      { name: "job", value: "a" },
    ]);
    expect(req.keys[0]).toBe(Buffer.from(raw.slice(2, 28)).toString("latin1"));
    expect([...req.ts]).toEqual([1000]);
    expect([...req.vs]).toEqual([1]);
    expect(req.skipped).toEqual({ exemplars: 0, histograms: 0, metadata: 0 });
  });

  it("decodes a staleness marker and a negative timestamp (10-byte varint)", () => {
    // biome-ignore format: one line per field
    const raw = [
      0x0a, 0x26,                                                 // timeseries (1, len) 38 bytes
      0x0a, 0x0e, 0x0a, 0x08, 0x5f, 0x5f, 0x6e, 0x61, 0x6d, 0x65, //   labels: __name__="up"
      0x5f, 0x5f, 0x12, 0x02, 0x75, 0x70,
      0x12, 0x14,                                                 //   samples (2, len) 20 bytes
      0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f,                      //     0x7ff0000000000002: stale marker
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, //     timestamp -1: ten bytes
      0x01,
    ];
    const req = decodeWriteRequest(Buffer.from([raw.length, (raw.length - 1) << 2, ...raw]));
    expect([...req.ts]).toEqual([-1]);
    const bits = Buffer.from(req.vs.buffer, req.vs.byteOffset, 8);
    expect(bits.toString("hex")).toBe("020000000000f07f");
  });

  it("accepts an empty request", () => {
    const req = decodeWriteRequest(compressSync(Buffer.alloc(0)));
    expect(req.seriesCount).toBe(0);
    expect(req.sampleCount).toBe(0);
  });

  it("drops empty label values and keeps series without samples", () => {
    const req = decodeWriteRequest(body(series(UP, label("zone", ""))));
    expect(req.labels(0)).toEqual([{ name: "__name__", value: "up" }]);
    expect(req.seriesCount).toBe(1);
    expect(req.sampleCount).toBe(0);
  });

  it("accepts timestamps at ±(2^53-1)", () => {
    const max = Number.MAX_SAFE_INTEGER;
    const req = decodeWriteRequest(body(series(UP, sample(1, max), sample(2, -max))));
    expect([...req.ts]).toEqual([max, -max]);
  });
});

describe("malformed bodies", () => {
  const good = series(UP, label("job", "a"), sample(1, 1000), sample(2, 2000));

  it("refuses bad snappy", () => {
    expectReject(Buffer.from([0x05, 0xff, 0x01, 0x02, 0x03]), "RD_BAD_SNAPPY", /not snappy/);
    expectReject(Buffer.alloc(0), "RD_BAD_SNAPPY", /empty/);
    expectReject(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), "RD_BAD_SNAPPY", /preamble/);
  });

  it("refuses a protobuf truncated at any offset", () => {
    for (let cut = 1; cut < good.length; cut++) {
      const e = rejection(compressSync(Buffer.from(good.slice(0, cut))));
      expect(e.code).toBe("RD_BAD_PROTOBUF");
      expect(e.message).toMatch(/^(request|timeseries\[0\])/);
    }
  });

  it("names the field of a truncated varint", () => {
    const truncated = len(2, [0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0xe8]);
    expectReject(
      body(series(UP, truncated)),
      "RD_BAD_PROTOBUF",
      /^timeseries\[0\]\.samples\[0\]\.timestamp: truncated varint/,
    );
  });

  it("refuses lengths past the end of the enclosing message", () => {
    expectReject(
      body(series(UP, [0x0a, 0x64, 0x0a, 0x01])),
      "RD_BAD_PROTOBUF",
      /^timeseries\[0\]\.labels\[1\]: length 100 runs past the end/,
    );
  });

  it("refuses a wrong wire type for a known field", () => {
    expectReject(
      body(series(UP, [0x08, 0x01])),
      "RD_BAD_PROTOBUF",
      "timeseries[0].labels[1]: wire type varint, want len",
    );
    expectReject(
      body(series(UP, len(2, [0x08, 0x01]))),
      "RD_BAD_PROTOBUF",
      "timeseries[0].samples[0].value: wire type varint, want i64",
    );
    expectReject(
      body(series(UP, len(2, [0x11, 0, 0, 0, 0, 0, 0, 0, 0]))),
      "RD_BAD_PROTOBUF",
      "timeseries[0].samples[0].timestamp: wire type i64, want varint",
    );
    expectReject(
      body(series(UP, len(1, [0x0d, 1, 2, 3, 4]))),
      "RD_BAD_PROTOBUF",
      "timeseries[0].labels[1].name: wire type i32, want len",
    );
    expectReject(
      body([0x08, 0x01]),
      "RD_BAD_PROTOBUF",
      "timeseries[0]: wire type varint, want len",
    );
  });

  it("refuses invalid wire types, field 0 and broken groups", () => {
    expectReject(body(series(UP, [0x4f])), "RD_BAD_PROTOBUF", /invalid wire type 7/);
    expectReject(body([0x02, 0x00]), "RD_BAD_PROTOBUF", /^request: invalid tag 2/);
    expectReject(body([0x53, 0x0d, 1, 2, 3, 4]), "RD_BAD_PROTOBUF", /group 10 not terminated/);
    expectReject(body([0x53, 0x5c]), "RD_BAD_PROTOBUF", /group 10 ended by 11/);
    expectReject(body([0x54]), "RD_BAD_PROTOBUF", /end-group without a start-group/);
  });

  it("refuses varints past 64 bits and timestamps past ±(2^53-1)", () => {
    const tooLong = len(2, [0x10, ...new Array(10).fill(0xff), 0x01]);
    expectReject(body(series(UP, tooLong)), "RD_BAD_PROTOBUF", /overflows 64 bits/);
    const overflow = len(2, [0x10, ...new Array(9).fill(0xff), 0x02]);
    expectReject(body(series(UP, overflow)), "RD_BAD_PROTOBUF", /overflows 64 bits/);
    for (const t of [2n ** 53n, 2n ** 60n, -(2n ** 53n), -(2n ** 63n)]) {
      expectReject(
        body(series(UP, sample(1, t))),
        "RD_BAD_PROTOBUF",
        /^timeseries\[0\]\.samples\[0\]\.timestamp: value -?\d+ outside/,
      );
    }
  });

  it("refuses an oversized compressed body", () => {
    expectReject(body(good), "RD_TOO_LARGE", /^request body is \d+ bytes, limit 10$/, {
      maxBodyBytes: 10,
    });
  });

  it("refuses an oversized decompressed size from the preamble alone", () => {
    // Preamble 2^30, then bytes that are not valid snappy: refused before decompressing.
    expectReject(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0xff]), "RD_TOO_LARGE", /preamble/);
    expectReject(body(good), "RD_TOO_LARGE", /decompresses to \d+ bytes/, {
      maxDecompressedBytes: good.length - 1,
    });
  });

  it("refuses unsorted labels, naming the series", () => {
    const ok = series(UP, sample(1, 1));
    const bad = series(UP, label("c", "1"), label("b", "2"));
    expectReject(
      body(ok, ok, ok, bad),
      "RD_BAD_LABELS",
      'timeseries[3]: labels not sorted: "b" after "c"',
    );
  });

  it("refuses duplicate label names", () => {
    expectReject(
      body(series(UP, label("job", "a"), label("job", "b"))),
      "RD_BAD_LABELS",
      'timeseries[0]: duplicate label name "job"',
    );
  });

  it("refuses an empty label name", () => {
    expectReject(
      body(series(UP, label("", "x"))),
      "RD_BAD_LABELS",
      "timeseries[0].labels[1].name: empty label name",
    );
  });

  it("refuses a missing or empty __name__", () => {
    expectReject(
      body(series(label("job", "a"), sample(1, 1))),
      "RD_BAD_LABELS",
      "timeseries[0]: missing __name__ label",
    );
    expectReject(body(series()), "RD_BAD_LABELS", "timeseries[0]: missing __name__ label");
    expectReject(
      body(series(label("__name__", ""))),
      "RD_BAD_LABELS",
      "timeseries[0].labels[0].value: empty __name__",
    );
  });

  it("refuses invalid UTF-8 in label names and values", () => {
    for (const bad of [
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      expectReject(
        body(series(UP, label("job", bad))),
        "RD_BAD_PROTOBUF",
        /^timeseries\[0\]\.labels\[1\]\.value: invalid UTF-8/,
      );
      expectReject(
        body(series(UP, label(bad, "x"))),
        "RD_BAD_PROTOBUF",
        /^timeseries\[0\]\.labels\[1\]\.name: invalid UTF-8/,
      );
    }
  });

  it("refuses more samples than the limit, over all series", () => {
    const s0 = series(UP, sample(1, 1), sample(2, 2));
    const s1 = series(UP, sample(3, 3));
    expectReject(
      body(s0, s1),
      "RD_TOO_MANY_SAMPLES",
      "timeseries[1].samples[0]: more than 2 samples in the request",
      { maxSamples: 2 },
    );
    expect(decodeWriteRequest(body(s0, s1), { maxSamples: 3 }).sampleCount).toBe(3);
  });

  it("refuses too many labels and too long names or values", () => {
    const s = series(UP, label("a", "1"), label("b", "123456789"));
    expectReject(body(s), "RD_BAD_LABELS", "timeseries[0]: more than 2 labels", { maxLabels: 2 });
    expectReject(body(s), "RD_BAD_LABELS", "timeseries[0].labels[2].value: 9 bytes long, limit 8", {
      maxLabelLength: 8,
    });
    expectReject(
      body(series(UP, label("abcdefghi", "1"))),
      "RD_BAD_LABELS",
      "timeseries[0].labels[1].name: 9 bytes long, limit 8",
      { maxLabelLength: 8 },
    );
  });

  it("throws only ReddotErrors on corrupted bodies", () => {
    let seed = 1;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const base = [...good, ...series(label("__name__", "x"), sample(3, 3)), ...len(3, [8, 1])];
    for (let round = 0; round < 2000; round++) {
      const b = base.slice();
      const flips = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < flips; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        decodeWriteRequest(compressSync(Buffer.from(b)));
      } catch (e) {
        expect(e).toBeInstanceOf(ReddotError);
      }
    }
  });
});
