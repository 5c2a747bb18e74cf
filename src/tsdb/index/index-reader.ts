/**
 * Reads a block's `index` file (format: docs/formats/index.md).
 *
 * The whole file is read into one Buffer at open: blocks are immutable, and
 * the index is small next to the chunks. Open validates the header, the TOC
 * and every section's crc32c, decodes the symbol table and the label tables,
 * and records where each series entry starts; series are decoded lazily.
 * Postings lists are returned as zero-copy Uint32Array views of the buffer.
 * Next step when indexes outgrow memory: mmap the file (needs a native addon)
 * or read sections with positional reads; readFileSync caps files at 2 GiB.
 */

import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { crc32c } from "../../lib/crc32c.js";
import { bug, ReddotError } from "../../lib/errors.js";
import type { Label, Labels } from "../labels.js";
import type { ChunkMeta, Matcher } from "../types.js";
import { DecodeError, Decoder, readU32, readU64 } from "./encoding.js";
import {
  HEADER_SIZE,
  INDEX_MAGIC,
  INDEX_VERSION,
  LABEL_VALUES,
  POSTINGS,
  POSTINGS_OFFSETS,
  SECTION_ALIGN,
  SECTIONS,
  SERIES,
  SYMBOLS,
  TOC_SIZE,
} from "./index-format.js";
import { gallop } from "./postings.js";
import { lowerBound, type PostingsSource, selectPostings } from "./select.js";

const LITTLE_ENDIAN_HOST = endianness() === "LE";
const EMPTY_IDS = new Uint32Array(0);

/** Payload bounds of one section: bytes [start, end). */
interface Section {
  readonly start: number;
  readonly end: number;
}

/** The values of one label name and where their postings lists are. */
interface NameEntry {
  /** Sorted values. */
  readonly values: string[];
  /** Offset of each value's list from the postings payload start. */
  readonly offsets: Uint32Array;
}

/** Index of `s` in sorted `a`; -1 when absent. */
function indexOf(a: readonly string[], s: string): number {
  const i = lowerBound(a, s);
  return i < a.length && a[i] === s ? i : -1;
}

/** True when ascending lists `a` and `b` share an id (galloping through the longer). */
function overlaps(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length > b.length) [a, b] = [b, a];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    j = gallop(b, j, a[i]);
    if (j >= b.length) return false;
    if (b[j] === a[i]) return true;
  }
  return false;
}

/** A read-only view of one block's index file. */
export class IndexReader {
  /** Number of series; their ids are 0..seriesCount-1 in label order. */
  readonly seriesCount: number;
  /** Size of the index file in bytes. */
  readonly sizeBytes: number;
  private buf: Uint8Array;
  private readonly symbols: string[];
  /** File offset of each series entry (its length varint). */
  private readonly seriesOffsets: Uint32Array;
  private readonly names: string[];
  private readonly byName = new Map<string, NameEntry>();
  private readonly postings: Section;
  private allIds: Uint32Array | undefined;
  private closed = false;
  private readonly source: PostingsSource = {
    get: (name, value) => this.postingsFor(name, value),
    labelValues: (name) => this.byName.get(name)?.values ?? [],
    all: () => this.all(),
  };

  private constructor(
    private readonly path: string,
    buf: Uint8Array,
  ) {
    this.buf = buf;
    this.sizeBytes = buf.length;
    const sections = this.readToc();
    this.symbols = this.readSymbols(sections[SYMBOLS]);
    this.seriesOffsets = this.readSeriesOffsets(sections[SERIES]);
    this.seriesCount = this.seriesOffsets.length;
    this.postings = sections[POSTINGS];
    this.names = this.readLabelTables(sections[LABEL_VALUES], sections[POSTINGS_OFFSETS]);
  }

  /**
   * Opens and validates the index at `path`. Throws ReddotError
   * RD_BLOCK_CORRUPT ("<path>: <what> at offset N") on any inconsistency.
   */
  static open(path: string): IndexReader {
    let buf: Uint8Array = readFileSync(path);
    // Postings are viewed as Uint32Array, which needs a 4-byte aligned base.
    if (buf.byteOffset % SECTION_ALIGN !== 0) buf = new Uint8Array(buf);
    try {
      return new IndexReader(path, buf);
    } catch (e) {
      throw IndexReader.wrap(path, e);
    }
  }

  private static wrap(path: string, e: unknown): unknown {
    if (!(e instanceof DecodeError)) return e;
    return new ReddotError("RD_BLOCK_CORRUPT", 500, `${path}: ${e.message} at offset ${e.offset}`, {
      cause: e,
    });
  }

  /** Runs `f`, turning decode failures into RD_BLOCK_CORRUPT for this file. */
  private guard<T>(f: () => T): T {
    if (this.closed) throw bug("IndexReader used after close", { path: this.path });
    try {
      return f();
    } catch (e) {
      throw IndexReader.wrap(this.path, e);
    }
  }

  /** Validates header, TOC and section framing/crc; returns the payload bounds. */
  private readToc(): Section[] {
    const b = this.buf;
    if (b.length < HEADER_SIZE + TOC_SIZE) throw new DecodeError("file too short", b.length);
    for (let i = 0; i < INDEX_MAGIC.length; i++) {
      if (b[i] !== INDEX_MAGIC[i]) throw new DecodeError("bad magic", 0);
    }
    if (b[4] !== INDEX_VERSION) throw new DecodeError(`unsupported version ${b[4]}`, 4);
    if (b[5] !== 0 || b[6] !== 0 || b[7] !== 0) throw new DecodeError("bad header padding", 5);
    const tocAt = b.length - TOC_SIZE;
    if (readU32(b, tocAt + TOC_SIZE - 4) !== crc32c(b, tocAt, tocAt + TOC_SIZE - 4)) {
      throw new DecodeError("TOC checksum mismatch", tocAt);
    }
    const sections: Section[] = [];
    let expected = HEADER_SIZE; // sections are contiguous, up to alignment padding
    for (let i = 0; i < SECTIONS.length; i++) {
      const at = readU64(b, tocAt + i * 8);
      const aligned = expected + ((SECTION_ALIGN - (expected % SECTION_ALIGN)) % SECTION_ALIGN);
      if (at !== aligned) throw new DecodeError(`${SECTIONS[i]} section misplaced`, tocAt + i * 8);
      for (let p = expected; p < at; p++) {
        if (b[p] !== 0) throw new DecodeError("non-zero padding", p);
      }
      const len = readU32(b, at);
      const end = at + 4 + len;
      if (end + 4 > tocAt) throw new DecodeError(`${SECTIONS[i]} section overruns file`, at);
      if (readU32(b, end) !== crc32c(b, at + 4, end)) {
        throw new DecodeError(`${SECTIONS[i]} section checksum mismatch`, at);
      }
      sections.push({ start: at + 4, end });
      expected = end + 4;
    }
    if (expected !== tocAt) throw new DecodeError("unexpected bytes before TOC", expected);
    return sections;
  }

  private readSymbols(s: Section): string[] {
    const d = new Decoder(this.buf, s.start, s.end);
    const count = d.uvarint();
    if (count > s.end - s.start) throw new DecodeError("symbol count too large", s.start);
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const at = d.pos;
      const len = d.uvarint();
      if (d.pos + len > s.end) throw new DecodeError("symbol past section end", at);
      let sym: string;
      try {
        sym = utf8.decode(this.buf.subarray(d.pos, d.pos + len));
      } catch (e) {
        throw new DecodeError(`symbol is not UTF-8 (${String(e)})`, at);
      }
      // Sorted order is what makes ref order equal string order.
      if (i > 0 && !(out[i - 1] < sym)) throw new DecodeError("symbols out of order", at);
      out[i] = sym;
      d.pos += len;
    }
    if (d.pos !== s.end) throw new DecodeError("trailing bytes in symbols", d.pos);
    return out;
  }

  private readSeriesOffsets(s: Section): Uint32Array {
    const d = new Decoder(this.buf, s.start, s.end);
    const count = d.uvarint();
    if (count > s.end - s.start) throw new DecodeError("series count too large", s.start);
    const offsets = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      offsets[i] = d.pos;
      const len = d.uvarint();
      if (d.pos + len > s.end) throw new DecodeError("series entry past section end", offsets[i]);
      d.pos += len;
    }
    if (d.pos !== s.end) throw new DecodeError("trailing bytes in series", d.pos);
    return offsets;
  }

  private symbol(ref: number, at: number): string {
    const sym = this.symbols[ref];
    if (sym === undefined) throw new DecodeError(`symbol ref ${ref} out of range`, at);
    return sym;
  }

  /** Decodes the label-values table, cross-checked against the postings offset table. */
  private readLabelTables(lv: Section, po: Section): string[] {
    const d = new Decoder(this.buf, lv.start, lv.end);
    const o = new Decoder(this.buf, po.start, po.end);
    const nameCount = d.uvarint();
    let entries = o.uvarint();
    const names: string[] = [];
    for (let n = 0; n < nameCount; n++) {
      const at = d.pos;
      const nameRef = d.uvarint();
      const name = this.symbol(nameRef, at);
      if (n > 0 && !(names[n - 1] < name)) throw new DecodeError("label names out of order", at);
      const count = d.uvarint();
      if (count > lv.end - lv.start) throw new DecodeError("value count too large", at);
      const values = new Array<string>(count);
      const offsets = new Uint32Array(count);
      let ref = 0;
      for (let v = 0; v < count; v++) {
        const vat = d.pos;
        const delta = d.uvarint();
        if (v > 0 && delta === 0) throw new DecodeError("label values out of order", vat);
        ref += delta;
        values[v] = this.symbol(ref, vat);
        const eat = o.pos;
        if (entries-- === 0 || o.uvarint() !== nameRef || o.uvarint() !== ref) {
          throw new DecodeError("postings offset entry does not match label values", eat);
        }
        const off = o.uvarint();
        if (off % 4 !== 0 || this.postings.start + off + 4 > this.postings.end) {
          throw new DecodeError("bad postings offset", eat);
        }
        offsets[v] = off;
      }
      names.push(name);
      this.byName.set(name, { values, offsets });
    }
    if (d.pos !== lv.end) throw new DecodeError("trailing bytes in label values", d.pos);
    if (entries !== 0 || o.pos !== po.end) throw new DecodeError("extra postings offsets", o.pos);
    return names;
  }

  /** Ids with `name`=`value`: a view of the file buffer (read-only), or empty. */
  private postingsFor(name: string, value: string): Uint32Array {
    const entry = this.byName.get(name);
    if (entry === undefined) return EMPTY_IDS;
    const i = indexOf(entry.values, value);
    if (i < 0) return EMPTY_IDS;
    const at = this.postings.start + entry.offsets[i];
    const count = readU32(this.buf, at);
    if (at + 4 + count * 4 > this.postings.end) throw new DecodeError("postings list overruns", at);
    if (LITTLE_ENDIAN_HOST) {
      // Fast path: zero-copy; aligned because sections and lists are 4-byte aligned.
      return new Uint32Array(this.buf.buffer, this.buf.byteOffset + at + 4, count);
    }
    const dv = new DataView(this.buf.buffer, this.buf.byteOffset + at + 4, count * 4);
    return Uint32Array.from({ length: count }, (_, k) => dv.getUint32(k * 4, true));
  }

  /** 0..seriesCount-1, built once. */
  private all(): Uint32Array {
    if (this.allIds === undefined) {
      this.allIds = new Uint32Array(this.seriesCount);
      for (let i = 0; i < this.seriesCount; i++) this.allIds[i] = i;
    }
    return this.allIds;
  }

  /** A decoder positioned after series `id`'s label pairs; returns the label refs too. */
  private seriesDecoder(id: number): Decoder {
    if (!Number.isInteger(id) || id < 0 || id >= this.seriesCount) {
      throw bug("IndexReader: series id out of range", { id, seriesCount: this.seriesCount });
    }
    const d = new Decoder(this.buf, this.seriesOffsets[id], this.buf.length);
    const len = d.uvarint();
    d.end = d.pos + len;
    return d;
  }

  /** Ids of the series every matcher accepts, ascending, in a fresh array. */
  select(matchers: readonly Matcher[]): Uint32Array {
    return this.guard(() => selectPostings(this.source, matchers));
  }

  /** The labels of series `id`. */
  labels(id: number): Labels {
    return this.guard(() => {
      const d = this.seriesDecoder(id);
      const n = d.uvarint();
      const out: Label[] = [];
      for (let i = 0; i < n; i++) {
        const at = d.pos;
        const name = this.symbol(d.uvarint(), at);
        out.push({ name, value: this.symbol(d.uvarint(), at) });
      }
      return out;
    });
  }

  /** The chunk metas of series `id`, in stored order. */
  chunks(id: number): ChunkMeta[] {
    return this.guard(() => {
      const d = this.seriesDecoder(id);
      const n = d.uvarint();
      for (let i = 0; i < n * 2; i++) d.uvarint();
      const count = d.uvarint();
      if (count > d.end - d.pos) throw new DecodeError("chunk count too large", d.pos);
      const out: ChunkMeta[] = [];
      let maxt = 0;
      let ref = 0;
      for (let i = 0; i < count; i++) {
        const mint = i === 0 ? d.varint() : maxt + d.varint();
        maxt = mint + d.uvarint();
        ref = i === 0 ? d.uvarint() : ref + d.varint();
        out.push({ mint, maxt, ref });
      }
      if (d.pos !== d.end) throw new DecodeError("trailing bytes in series entry", d.pos);
      return out;
    });
  }

  /** Label names of the given series (all series when `ids` is omitted), sorted. */
  labelNames(ids?: Uint32Array): string[] {
    return this.guard(() => {
      if (ids === undefined) return [...this.names];
      // Symbol refs sort like their strings, so sorting refs sorts names.
      const refs = new Set<number>();
      for (const id of ids) {
        const d = this.seriesDecoder(id);
        const n = d.uvarint();
        for (let i = 0; i < n; i++) {
          refs.add(d.uvarint());
          d.uvarint();
        }
      }
      return [...refs].sort((a, b) => a - b).map((r) => this.symbol(r, 0));
    });
  }

  /** Values of label `name` among the given series (all when omitted), sorted. */
  labelValues(name: string, ids?: Uint32Array): string[] {
    return this.guard(() => {
      const entry = this.byName.get(name);
      if (entry === undefined) return [];
      if (ids === undefined) return [...entry.values];
      if (ids.length > entry.values.length) {
        // Many series, few values: test each value's postings against `ids`.
        return entry.values.filter((v) => overlaps(this.postingsFor(name, v), ids));
      }
      // Few series: read each one's value of `name`.
      const nameRef = indexOf(this.symbols, name);
      const refs = new Set<number>();
      for (const id of ids) {
        const d = this.seriesDecoder(id);
        const n = d.uvarint();
        for (let i = 0; i < n; i++) {
          const r = d.uvarint();
          const v = d.uvarint();
          if (r === nameRef) refs.add(v);
        }
      }
      return [...refs].sort((a, b) => a - b).map((r) => this.symbol(r, 0));
    });
  }

  /** Releases the file buffer; any later call is a bug. */
  close(): void {
    this.closed = true;
    this.buf = new Uint8Array(0);
    this.allIds = undefined;
  }
}
