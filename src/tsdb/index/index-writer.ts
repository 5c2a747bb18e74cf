/**
 * Writes a block's `index` file (format: docs/formats/index.md). The layout
 * follows the ideas of Prometheus' index v2 (tsdb/docs/format/index.md: symbol
 * table, series by label order, postings, offset tables, TOC at the end) with
 * our own encoding choices; see the format doc for why.
 */

import { type FileHandle, open } from "node:fs/promises";
import { endianness } from "node:os";
import { crc32c } from "../../lib/crc32c.js";
import { bug } from "../../lib/errors.js";
import { compareLabels, compareStrings, type Labels, labelsToString } from "../labels.js";
import type { ChunkMeta } from "../types.js";
import { ByteWriter, Decoder } from "./encoding.js";
import {
  HEADER_SIZE,
  INDEX_MAGIC,
  INDEX_VERSION,
  POSTINGS_OFFSETS,
  SECTION_ALIGN,
  SECTIONS,
} from "./index-format.js";
import { MemPostings } from "./mem-postings.js";

/** Bytes buffered before a write system call. */
const WRITE_BUFFER = 1 << 20;
/** Encoders hand their bytes to the sink past this size. */
const DRAIN_AT = 1 << 16;
const LITTLE_ENDIAN_HOST = endianness() === "LE";
const LONE_SURROGATE = /\p{Cs}/u;

/** Buffered, position-tracking output with per-section length and crc32c. */
class SectionSink {
  private readonly buf = new Uint8Array(WRITE_BUFFER);
  private used = 0;
  /** File offset of `buf[0]`. */
  private flushed = 0;
  /** Offset of the open section's length field, or -1 between sections. */
  private sectionStart = -1;
  private crc = 0;

  constructor(private readonly fh: FileHandle) {}

  /** Current end of the file, counting buffered bytes. */
  get offset(): number {
    return this.flushed + this.used;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.sectionStart >= 0) this.crc = crc32c(data, 0, data.length, this.crc);
    if (this.used + data.length > this.buf.length) await this.flush();
    if (data.length > this.buf.length) {
      await writeAt(this.fh, data, this.flushed);
      this.flushed += data.length;
      return;
    }
    this.buf.set(data, this.used);
    this.used += data.length;
  }

  /** Writes and empties `w` (its bytes are copied or written before returning). */
  async drain(w: ByteWriter): Promise<void> {
    await this.write(w.view());
    w.reset();
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAt(this.fh, this.buf.subarray(0, this.used), this.flushed);
    this.flushed += this.used;
    this.used = 0;
  }

  /** Pads to alignment, reserves the length field; returns the section's offset. */
  async begin(): Promise<number> {
    const pad = (SECTION_ALIGN - (this.offset % SECTION_ALIGN)) % SECTION_ALIGN;
    if (pad > 0) await this.write(new Uint8Array(pad));
    this.sectionStart = this.offset;
    await this.write(new Uint8Array(4));
    this.crc = 0;
    return this.sectionStart;
  }

  /** Appends the crc and fills in the length reserved by `begin`. */
  async end(name: string): Promise<void> {
    const start = this.sectionStart;
    const len = this.offset - start - 4;
    if (len > 0xffffffff) throw bug("writeIndex: section over 4 GiB", { section: name, len });
    this.sectionStart = -1;
    const tail = new ByteWriter(4);
    tail.u32(this.crc);
    await this.write(tail.view());
    await this.flush();
    const head = new ByteWriter(4);
    head.u32(len);
    await writeAt(this.fh, head.view(), start);
  }
}

async function writeAt(fh: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** What the first pass keeps: interned strings, postings, series with provisional refs. */
interface Collected {
  /** Strings in first-seen order; a provisional ref is an index here. */
  readonly strings: string[];
  readonly intern: Map<string, number>;
  readonly postings: MemPostings;
  /** Per series: label count, provisional (name, value) refs, chunk bytes length, chunk bytes. */
  readonly series: ByteWriter;
  readonly count: number;
}

function checkLabels(labels: Labels): void {
  for (let i = 0; i < labels.length; i++) {
    const { name, value } = labels[i];
    const ordered = i === 0 || compareStrings(labels[i - 1].name, name) < 0;
    if (name === "" || value === "" || !ordered) {
      throw bug("writeIndex: malformed label set", { labels: labelsToString(labels) });
    }
  }
}

/** Encodes a chunk meta list (see the format doc: deltas against the previous chunk). */
function encodeChunks(w: ByteWriter, chunks: readonly ChunkMeta[]): void {
  w.uvarint(chunks.length);
  let prevMaxt = 0;
  let prevRef = 0;
  for (let i = 0; i < chunks.length; i++) {
    const { mint, maxt, ref } = chunks[i];
    const minDelta = mint - prevMaxt;
    const refDelta = ref - prevRef;
    const safe = Number.isSafeInteger(minDelta) && Number.isSafeInteger(maxt - mint);
    if (!safe || maxt < mint || !Number.isSafeInteger(refDelta) || ref < 0) {
      throw bug("writeIndex: invalid chunk meta", { mint, maxt, ref });
    }
    if (i === 0) {
      w.varint(mint);
      w.uvarint(maxt - mint);
      w.uvarint(ref);
    } else {
      w.varint(minDelta);
      w.uvarint(maxt - mint);
      w.varint(refDelta);
    }
    prevMaxt = maxt;
    prevRef = ref;
  }
}

/** First pass: checks order, interns strings, builds postings, encodes series compactly. */
function collect(input: Iterable<{ labels: Labels; chunks: readonly ChunkMeta[] }>): Collected {
  const strings: string[] = [];
  const intern = new Map<string, number>();
  const ref = (s: string): number => {
    let r = intern.get(s);
    if (r === undefined) {
      // Checked once per distinct string: UTF-8 cannot hold a lone surrogate,
      // and replacing it would merge distinct symbols.
      if (LONE_SURROGATE.test(s)) throw bug("writeIndex: string is not valid Unicode", { s });
      r = strings.length;
      strings.push(s);
      intern.set(s, r);
    }
    return r;
  };
  const postings = new MemPostings();
  const series = new ByteWriter(1 << 16);
  const chunkBytes = new ByteWriter();
  let prev: Labels | undefined;
  let id = 0;
  for (const { labels, chunks } of input) {
    checkLabels(labels);
    if (prev !== undefined && compareLabels(prev, labels) >= 0) {
      throw bug("writeIndex: series not in strictly ascending label order", {
        previous: labelsToString(prev),
        next: labelsToString(labels),
      });
    }
    if (id > 0xffffffff) throw bug("writeIndex: more than 2^32 series", { id });
    series.uvarint(labels.length);
    for (const l of labels) {
      series.uvarint(ref(l.name));
      series.uvarint(ref(l.value));
    }
    chunkBytes.reset();
    encodeChunks(chunkBytes, chunks);
    series.uvarint(chunkBytes.length);
    series.bytes(chunkBytes.view());
    postings.add(id, labels);
    prev = labels;
    id++;
  }
  return { strings, intern, postings, series, count: id };
}

/** Little-endian bytes of `ids`: a view on little-endian hosts, else a converted copy. */
function u32sLE(ids: Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
  const out = new Uint8Array(ids.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < ids.length; i++) dv.setUint32(i * 4, ids[i], true);
  return out;
}

/**
 * Writes the index of `series` to `path` and fsyncs it. Series must come in
 * strictly ascending `compareLabels` order (a BUG error otherwise); series ids
 * are their positions. One pass over `series`: memory holds the symbol table,
 * the postings and the series section in its compact encoded form, never the
 * input objects. The caller writes into a temporary directory and renames.
 */
export async function writeIndex(
  path: string,
  series: Iterable<{ labels: Labels; chunks: readonly ChunkMeta[] }>,
): Promise<void> {
  const c = collect(series);
  // Final symbol refs: positions in sorted order, so ref order is string order.
  const order = c.strings
    .map((_, i) => i)
    .sort((a, b) => compareStrings(c.strings[a], c.strings[b]));
  const finalRef = new Uint32Array(order.length);
  order.forEach((tmp, sorted) => {
    finalRef[tmp] = sorted;
  });
  const refOf = (s: string): number => finalRef[c.intern.get(s)!];

  const fh = await open(path, "w");
  try {
    const out = new SectionSink(fh);
    const header = new Uint8Array(HEADER_SIZE);
    header.set(INDEX_MAGIC);
    header[4] = INDEX_VERSION;
    await out.write(header);
    const toc: number[] = [];
    const w = new ByteWriter(DRAIN_AT * 2);

    toc.push(await out.begin());
    const utf8 = new TextEncoder();
    w.uvarint(order.length);
    for (const tmp of order) {
      const bytes = utf8.encode(c.strings[tmp]);
      w.uvarint(bytes.length);
      w.bytes(bytes);
      if (w.length > DRAIN_AT) await out.drain(w);
    }
    await out.drain(w);
    await out.end(SECTIONS[toc.length - 1]);

    toc.push(await out.begin());
    w.uvarint(c.count);
    const src = new Decoder(c.series.view(), 0, c.series.length);
    const body = new ByteWriter();
    for (let i = 0; i < c.count; i++) {
      body.reset();
      const nLabels = src.uvarint();
      body.uvarint(nLabels);
      for (let k = 0; k < nLabels * 2; k++) body.uvarint(finalRef[src.uvarint()]);
      const chunkLen = src.uvarint();
      body.bytes(src.buf.subarray(src.pos, src.pos + chunkLen));
      src.pos += chunkLen;
      w.uvarint(body.length);
      w.bytes(body.view());
      if (w.length > DRAIN_AT) await out.drain(w);
    }
    await out.drain(w);
    await out.end(SECTIONS[toc.length - 1]);

    // Postings, in (name, value) order; offsets are from the payload start.
    const postingsStart = (await out.begin()) + 4;
    const names = c.postings.labelNames();
    const offsets: number[] = [];
    for (const name of names) {
      for (const value of c.postings.labelValues(name)) {
        const ids = c.postings.get(name, value);
        offsets.push(out.offset - postingsStart);
        w.u32(ids.length);
        await out.drain(w);
        await out.write(u32sLE(ids));
      }
    }
    toc.push(postingsStart - 4);
    await out.end(SECTIONS[toc.length - 1]);

    toc.push(await out.begin());
    w.uvarint(names.length);
    for (const name of names) {
      const values = c.postings.labelValues(name);
      w.uvarint(refOf(name));
      w.uvarint(values.length);
      let prev = 0;
      for (const value of values) {
        const r = refOf(value);
        w.uvarint(r - prev);
        prev = r;
      }
      if (w.length > DRAIN_AT) await out.drain(w);
    }
    await out.drain(w);
    await out.end(SECTIONS[toc.length - 1]);

    toc.push(await out.begin());
    w.uvarint(offsets.length);
    let e = 0;
    for (const name of names) {
      const nameRef = refOf(name);
      for (const value of c.postings.labelValues(name)) {
        w.uvarint(nameRef);
        w.uvarint(refOf(value));
        w.uvarint(offsets[e++]);
      }
      if (w.length > DRAIN_AT) await out.drain(w);
    }
    await out.drain(w);
    await out.end(SECTIONS[POSTINGS_OFFSETS]);

    for (const off of toc) w.u64(off);
    w.u32(crc32c(w.view()));
    await out.drain(w);
    await out.flush();
    await fh.sync();
  } finally {
    await fh.close();
  }
}
