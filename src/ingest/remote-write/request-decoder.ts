/**
 * The protobuf half of the remote-write decoder: reads a decompressed
 * `prometheus.WriteRequest` into sample columns and label byte ranges,
 * validating every field on the way (docs/formats/remote-write.md).
 */
import { ReddotError } from "../../lib/errors.js";
import { DecodedRequest } from "./decoded-request.js";
import type { DecodedWriteRequest, RemoteWriteLimits } from "./types.js";
import { isValidUtf8 } from "./utf8.js";
import { WireReader, wireName } from "./wire.js";

// Tags (field << 3 | wire type) of the fields this decoder reads
// (remote.proto / types.proto of Prometheus, remote write 1.0).
const TAG_WR_TIMESERIES = (1 << 3) | 2;
const TAG_WR_METADATA = (3 << 3) | 2;
const TAG_TS_LABEL = (1 << 3) | 2;
const TAG_TS_SAMPLE = (2 << 3) | 2;
const TAG_TS_EXEMPLAR = (3 << 3) | 2;
const TAG_TS_HISTOGRAM = (4 << 3) | 2;
const TAG_LABEL_NAME = (1 << 3) | 2;
const TAG_LABEL_VALUE = (2 << 3) | 2;
const TAG_SAMPLE_VALUE = (1 << 3) | 1;
const TAG_SAMPLE_TIMESTAMP = (2 << 3) | 0;

/** `__name__` as bytes, to recognise the metric-name label without decoding it. */
const METRIC_NAME_BYTES = Buffer.from("__name__", "latin1");

/** True when the 8 bytes at `at` spell `__name__`. */
function isMetricNameLabel(b: Buffer, at: number): boolean {
  for (let k = 0; k < 8; k++) if (b[at + k] !== METRIC_NAME_BYTES[k]) return false;
  return true;
}

/**
 * Byte-wise order of `b[as, ae)` against `b[bs, be)`: negative, 0 or positive.
 * A JS loop: label names are short, and Buffer.compare's native call costs
 * more than the comparison itself.
 */
function compareBytes(b: Buffer, as: number, ae: number, bs: number, be: number): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = b[as + k] - b[bs + k];
    if (d !== 0) return d;
  }
  return ae - as - (be - bs);
}

/** Float64Array stores the host's byte order; the wire is little-endian. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Longest label text quoted in an error message, in UTF-16 code units. */
const QUOTE_MAX = 64;

/** Decoding state of one request; used once. */
export class RequestDecoder extends WireReader {
  // Where the cursor is, kept current so that errors can name the field path
  // (e.g. "timeseries[3].labels[1].name"); set before each read that may fail.
  private seriesIdx = -1;
  private part = "";
  private partIdx = 0;
  private field = "";

  // Sample columns, grown by doubling.
  private ts: Float64Array;
  private vs: Float64Array;
  private vsBytes: Uint8Array;
  private ss: Uint32Array;
  private n = 0;

  private readonly keys: string[] = [];
  /** Per label on the wire: name start, name end, value start, value end (byte offsets). */
  private ranges = new Uint32Array(1024);
  private labelCount = 0;
  /** Index of the first label of each series, plus one past the last. */
  private readonly firstLabel: number[] = [0];

  private exemplars = 0;
  private histograms = 0;
  private metadata = 0;

  constructor(
    buf: Buffer,
    private readonly limits: RemoteWriteLimits,
  ) {
    super(buf);
    // A realistic sample costs ~20 bytes on the wire and its series' labels
    // much more; start small and grow rather than reserve for the worst case.
    const cap = Math.max(64, Math.min(limits.maxSamples, Math.ceil(buf.length / 64)));
    this.ts = new Float64Array(cap);
    this.vs = new Float64Array(cap);
    this.vsBytes = new Uint8Array(this.vs.buffer);
    this.ss = new Uint32Array(cap);
  }

  fail(what: string, at: number): Error {
    return new ReddotError("RD_BAD_PROTOBUF", 400, `${this.path()}: ${what} (at byte ${at})`);
  }

  private labelsError(what: string, withPart = true): Error {
    const path = withPart ? this.path() : `timeseries[${this.seriesIdx}]`;
    return new ReddotError("RD_BAD_LABELS", 400, `${path}: ${what}`);
  }

  private path(): string {
    if (this.seriesIdx < 0) return this.part === "" ? "request" : `${this.part}[${this.partIdx}]`;
    let p = `timeseries[${this.seriesIdx}]`;
    if (this.part !== "") p += `.${this.part}[${this.partIdx}]`;
    if (this.field !== "") p += `.${this.field}`;
    return p;
  }

  private wrongWire(field: string, tag: number, want: number, at: number): Error {
    this.field = field;
    return this.fail(`wire type ${wireName(tag)}, want ${wireName(want)}`, at);
  }

  decode(): DecodedWriteRequest {
    const end = this.buf.length;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_WR_TIMESERIES) {
        this.seriesIdx = this.keys.length;
        const len = this.readLength(end);
        this.readSeries(this.pos + len);
        this.seriesIdx = -1;
        this.part = "";
      } else if (tag === TAG_WR_METADATA) {
        this.part = "metadata";
        this.partIdx = this.metadata;
        // Read the length first: `this.pos += f()` would add to the position before f moved it.
        const skip = this.readLength(end);
        this.pos += skip;
        this.metadata++;
        this.part = "";
      } else if (tag >>> 3 === 1 || tag >>> 3 === 3) {
        this.part = tag >>> 3 === 1 ? "timeseries" : "metadata";
        this.partIdx = tag >>> 3 === 1 ? this.keys.length : this.metadata;
        throw this.fail(`wire type ${wireName(tag)}, want len`, at);
      } else {
        this.skipField(tag, end);
      }
    }
    const n = this.n;
    return new DecodedRequest(
      this.buf,
      this.keys,
      this.ranges,
      Uint32Array.from(this.firstLabel),
      this.ss.subarray(0, n),
      this.ts.subarray(0, n),
      this.vs.subarray(0, n),
      { exemplars: this.exemplars, histograms: this.histograms, metadata: this.metadata },
    );
  }

  /** Reads one TimeSeries ending at `end`; the cursor is at its first field. */
  private readSeries(end: number): void {
    const buf = this.buf;
    const series = this.keys.length;
    let key = "";
    let runStart = -1; // current run of contiguous label fields, for the key
    let runEnd = -1;
    let nLabels = 0;
    let nSamples = 0;
    let hasName = false;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      switch (tag) {
        case TAG_TS_LABEL: {
          this.part = "labels";
          this.partIdx = nLabels;
          this.field = "";
          if (nLabels >= this.limits.maxLabels) {
            throw this.labelsError(`more than ${this.limits.maxLabels} labels`, false);
          }
          const len = this.readLength(end);
          const labelEnd = this.pos + len;
          if (this.readLabel(labelEnd)) hasName = true;
          if (nLabels > 0) this.checkOrder();
          if (at !== runEnd) {
            if (runStart >= 0) key += buf.toString("latin1", runStart, runEnd);
            runStart = at;
          }
          runEnd = labelEnd;
          nLabels++;
          break;
        }
        case TAG_TS_SAMPLE: {
          this.part = "samples";
          this.partIdx = nSamples;
          this.field = "";
          const len = this.readLength(end);
          if (this.n >= this.limits.maxSamples) {
            throw new ReddotError(
              "RD_TOO_MANY_SAMPLES",
              400,
              `${this.path()}: more than ${this.limits.maxSamples} samples in the request`,
            );
          }
          this.readSample(this.pos + len, series);
          nSamples++;
          break;
        }
        case TAG_TS_EXEMPLAR:
        case TAG_TS_HISTOGRAM: {
          const isExemplar = tag === TAG_TS_EXEMPLAR;
          this.part = isExemplar ? "exemplars" : "histograms";
          this.partIdx = isExemplar ? this.exemplars : this.histograms;
          this.field = "";
          // Read the length first: `this.pos += f()` would add to the position before f moved it.
          const skip = this.readLength(end);
          this.pos += skip;
          if (isExemplar) this.exemplars++;
          else this.histograms++;
          break;
        }
        default: {
          const f = tag >>> 3;
          if (f >= 1 && f <= 4) {
            this.part = ["labels", "samples", "exemplars", "histograms"][f - 1];
            this.partIdx = [nLabels, nSamples, this.exemplars, this.histograms][f - 1];
            throw this.wrongWire("", tag, 2, at);
          }
          this.part = "";
          this.skipField(tag, end);
        }
      }
    }
    if (runStart >= 0) key += buf.toString("latin1", runStart, runEnd);
    this.part = "";
    this.field = "";
    if (!hasName) throw this.labelsError("missing __name__ label", false);
    this.keys.push(key);
    this.firstLabel.push(this.labelCount);
  }

  /**
   * Reads one Label ending at `end`, validates it and records its byte
   * ranges. Returns true when it is `__name__` (whose value must be non-empty).
   */
  private readLabel(end: number): boolean {
    let ns = 0;
    let ne = 0;
    let vs = 0;
    let ve = 0;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_LABEL_NAME) {
        this.field = "name";
        const len = this.readLength(end);
        ns = this.pos;
        ne = ns + len;
        this.pos = ne;
      } else if (tag === TAG_LABEL_VALUE) {
        this.field = "value";
        const len = this.readLength(end);
        vs = this.pos;
        ve = vs + len;
        this.pos = ve;
      } else if (tag >>> 3 === 1 || tag >>> 3 === 2) {
        throw this.wrongWire(tag >>> 3 === 1 ? "name" : "value", tag, 2, at);
      } else {
        this.field = "";
        this.skipField(tag, end);
      }
    }
    const max = this.limits.maxLabelLength;
    this.field = "name";
    if (ne === ns) throw this.labelsError("empty label name");
    if (ne - ns > max) throw this.labelsError(`${ne - ns} bytes long, limit ${max}`);
    if (!isValidUtf8(this.buf, ns, ne)) throw this.fail("invalid UTF-8", ns);
    this.field = "value";
    if (ve - vs > max) throw this.labelsError(`${ve - vs} bytes long, limit ${max}`);
    if (!isValidUtf8(this.buf, vs, ve)) throw this.fail("invalid UTF-8", vs);
    const isName = ne - ns === 8 && isMetricNameLabel(this.buf, ns);
    if (isName && ve === vs) throw this.labelsError("empty __name__");
    this.field = "";

    let o = this.labelCount * 4;
    if (o + 4 > this.ranges.length) {
      const grown = new Uint32Array(this.ranges.length * 2);
      grown.set(this.ranges);
      this.ranges = grown;
    }
    const r = this.ranges;
    r[o++] = ns;
    r[o++] = ne;
    r[o++] = vs;
    r[o] = ve;
    this.labelCount++;
    return isName;
  }

  /** Checks the label just read sorts strictly after the previous one (byte order, as Prometheus sorts). */
  private checkOrder(): void {
    const r = this.ranges;
    const o = (this.labelCount - 1) * 4;
    const c = compareBytes(this.buf, r[o], r[o + 1], r[o - 4], r[o - 3]);
    if (c > 0) return;
    const cur = this.quote(r[o], r[o + 1]);
    if (c === 0) throw this.labelsError(`duplicate label name ${cur}`, false);
    throw this.labelsError(
      `labels not sorted: ${cur} after ${this.quote(r[o - 4], r[o - 3])}`,
      false,
    );
  }

  private quote(start: number, end: number): string {
    const s = this.buf.toString("utf8", start, end);
    return JSON.stringify(s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX)}…` : s);
  }

  /** Reads one Sample ending at `end` into the columns. Absent fields are 0, as in proto3. */
  private readSample(end: number, series: number): void {
    const buf = this.buf;
    let valueAt = -1;
    let t = 0;
    while (this.pos < end) {
      const at = this.pos;
      const tag = this.readTag(end);
      if (tag === TAG_SAMPLE_VALUE) {
        this.field = "value";
        valueAt = this.pos;
        this.skipBytes(8, end, at);
      } else if (tag === TAG_SAMPLE_TIMESTAMP) {
        this.field = "timestamp";
        t = this.readInt64(end);
      } else if (tag >>> 3 === 1) {
        throw this.wrongWire("value", tag, 1, at);
      } else if (tag >>> 3 === 2) {
        throw this.wrongWire("timestamp", tag, 0, at);
      } else {
        this.field = "";
        this.skipField(tag, end);
      }
    }
    this.field = "";
    const i = this.n;
    if (i === this.ts.length) this.grow();
    this.ts[i] = t;
    this.ss[i] = series;
    if (valueAt < 0) {
      this.vs[i] = 0;
    } else if (HOST_LITTLE_ENDIAN) {
      // Fast path: copy the 8 bytes; bit-exact by construction, so the
      // staleness-marker NaN payload survives whatever the engine does to NaNs.
      const vb = this.vsBytes;
      const o = i * 8;
      vb[o] = buf[valueAt];
      vb[o + 1] = buf[valueAt + 1];
      vb[o + 2] = buf[valueAt + 2];
      vb[o + 3] = buf[valueAt + 3];
      vb[o + 4] = buf[valueAt + 4];
      vb[o + 5] = buf[valueAt + 5];
      vb[o + 6] = buf[valueAt + 6];
      vb[o + 7] = buf[valueAt + 7];
    } else {
      this.vs[i] = buf.readDoubleLE(valueAt);
    }
    this.n = i + 1;
  }

  private grow(): void {
    const cap = Math.min(this.ts.length * 2, this.limits.maxSamples);
    const ts = new Float64Array(cap);
    ts.set(this.ts);
    const vs = new Float64Array(cap);
    vs.set(this.vs);
    const ss = new Uint32Array(cap);
    ss.set(this.ss);
    this.ts = ts;
    this.vs = vs;
    this.vsBytes = new Uint8Array(vs.buffer);
    this.ss = ss;
  }
}
