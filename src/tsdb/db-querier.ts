import type { Block } from "./block/index.js";
import { decodeXorInto, xorChunkCount } from "./chunkenc/index.js";
import type { Head } from "./head/head.js";
import type { HeadChunk } from "./head/mem-series.js";
import { compareLabels, getLabel, type Labels, labelsKey } from "./labels.js";
import type { Matcher, SampleBuffer } from "./types.js";

/** One series as the store returns it: labels and a way to read its samples. */
export interface SeriesView {
  readonly labels: Labels;
  samples(mint: number, maxt: number): SampleBuffer;
}

/** Options for select. */
export interface SelectOptions {
  /** Stop after this many series (0 = no limit). Result is still sorted. */
  limit?: number;
  /**
   * Sort the result by labels (default true). PromQL evaluation does not
   * need storage order (Prometheus's engine selects unsorted too), and
   * sorting thousands of label sets per query is not free.
   */
  sorted?: boolean;
}

/** Series cut from the head whose block is still being written: kept queryable meanwhile. */
export interface PendingCut {
  readonly mint: number;
  readonly maxt: number;
  readonly series: readonly { labels: Labels; chunks: readonly HeadChunk[] }[];
}

const EMPTY: SampleBuffer = { ts: new Float64Array(0), vs: new Float64Array(0), length: 0 };

/**
 * Reads the store over [mint, maxt]: every block overlapping the range, any
 * cut being persisted, and the head. A series present in several of them is
 * returned once, its samples merged by time (a later source wins a tie).
 *
 * A querier pins what it reads until `close()`: the store keeps the blocks
 * and head chunk files it was opened over (see Db), and hands it every cut
 * taken from the head meanwhile (`addCut`), so that series selected before a
 * head block cut still read the samples the cut moved out of the head.
 */
export class DbQuerier {
  readonly mint: number;
  readonly maxt: number;
  private readonly blocks: readonly Block[];
  /** Cuts being persisted when opened, then cuts taken since, in that order. */
  private readonly cuts: PendingCut[];
  /** Per cut, its chunks by labels key; built when a head series needs it. */
  private readonly cutIndex = new Map<PendingCut, Map<string, readonly HeadChunk[]>>();
  private readonly head: Head;
  private readonly onClose: () => void;
  private closed = false;

  constructor(
    mint: number,
    maxt: number,
    blocks: readonly Block[],
    pending: readonly PendingCut[],
    head: Head,
    onClose: () => void = () => undefined,
  ) {
    this.mint = mint;
    this.maxt = maxt;
    this.blocks = blocks.filter((b) => b.meta.maxTime > mint && b.meta.minTime <= maxt);
    this.cuts = pending.filter((p) => this.overlaps(p));
    this.head = head;
    this.onClose = onClose;
  }

  private overlaps(p: PendingCut): boolean {
    return p.maxt >= this.mint && p.mint <= this.maxt;
  }

  /** Takes note of series just cut out of the head (their chunks stay readable until close). */
  addCut(cut: PendingCut): void {
    if (!this.closed && this.overlaps(cut)) this.cuts.push(cut);
  }

  /** Series matching every matcher with samples in [mint, maxt], sorted by labels. */
  select(matchers: readonly Matcher[], opts: SelectOptions = {}): SeriesView[] {
    const { mint, maxt } = this;
    const parts: SeriesView[][] = [];
    for (const b of this.blocks) parts.push(b.select(matchers, mint, maxt));
    for (const p of this.cuts) parts.push(selectPending(p, matchers, mint, maxt));
    const seen = this.cuts.length;
    const sorted = opts.sorted !== false || (opts.limit ?? 0) > 0;
    parts.push(
      this.head.select(matchers, mint, maxt, sorted).map((h) => this.withLaterCuts(h, seen)),
    );
    const merged = mergeSorted(
      parts.filter((p) => p.length > 0),
      sorted,
    );
    const limit = opts.limit ?? 0;
    return limit > 0 && merged.length > limit ? merged.slice(0, limit) : merged;
  }

  /**
   * A head series that also reads the chunks of cuts taken after it was
   * selected (cuts from `seen` on): the head no longer holds those samples.
   */
  private withLaterCuts(h: SeriesView, seen: number): SeriesView {
    return {
      labels: h.labels,
      samples: (a, b) => {
        if (this.cuts.length === seen) return h.samples(a, b);
        const bufs: SampleBuffer[] = [];
        for (let i = seen; i < this.cuts.length; i++) {
          const chunks = this.cutChunks(this.cuts[i], h.labels);
          if (chunks !== undefined) bufs.push(decodeChunks(chunks, a, b));
        }
        // Cut chunks end before the cut's boundary, the head's samples start there.
        bufs.push(h.samples(a, b));
        return mergeSamples(bufs);
      },
    };
  }

  private cutChunks(cut: PendingCut, labels: Labels): readonly HeadChunk[] | undefined {
    let byKey = this.cutIndex.get(cut);
    if (byKey === undefined) {
      byKey = new Map(cut.series.map((s) => [labelsKey(s.labels), s.chunks] as const));
      this.cutIndex.set(cut, byKey);
    }
    return byKey.get(labelsKey(labels));
  }

  /** Label names on matching series, sorted. */
  labelNames(matchers: readonly Matcher[] = []): string[] {
    const names = new Set<string>();
    if (matchers.length === 0) {
      for (const b of this.blocks) for (const n of b.labelNames()) names.add(n);
      for (const n of this.head.labelNames([])) names.add(n);
      for (const p of this.cuts)
        for (const s of p.series) for (const l of s.labels) names.add(l.name);
    } else {
      for (const s of this.select(matchers)) for (const l of s.labels) names.add(l.name);
    }
    return [...names].sort();
  }

  /** Values of label `name` on matching series, sorted. */
  labelValues(name: string, matchers: readonly Matcher[] = []): string[] {
    const values = new Set<string>();
    if (matchers.length === 0) {
      for (const b of this.blocks) for (const v of b.labelValues(name)) values.add(v);
      for (const v of this.head.labelValues(name, [])) values.add(v);
      for (const p of this.cuts) {
        for (const s of p.series) {
          const v = getLabel(s.labels, name);
          if (v !== "") values.add(v);
        }
      }
    } else {
      for (const s of this.select(matchers)) {
        const v = getLabel(s.labels, name);
        if (v !== "") values.add(v);
      }
    }
    return [...values].sort();
  }

  /**
   * Unpins what the querier reads: blocks and head chunk files retired since
   * it opened may go. Reading after close is an error. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

function selectPending(
  p: PendingCut,
  matchers: readonly Matcher[],
  mint: number,
  maxt: number,
): SeriesView[] {
  const out: SeriesView[] = [];
  for (const s of p.series) {
    if (!matchers.every((m) => m.matches(getLabel(s.labels, m.name)))) continue;
    if (!s.chunks.some((c) => c.maxt >= mint && c.mint <= maxt)) continue;
    const chunks = s.chunks;
    out.push({ labels: s.labels, samples: (a, b) => decodeChunks(chunks, a, b) });
  }
  return out;
}

/** Decodes head chunks overlapping [mint, maxt] into one buffer. */
export function decodeChunks(
  chunks: readonly HeadChunk[],
  mint: number,
  maxt: number,
): SampleBuffer {
  let cap = 0;
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    if (c.maxt >= mint && c.mint <= maxt) {
      const data = c.load();
      parts.push(data);
      cap += xorChunkCount(data);
    }
  }
  if (cap === 0) return EMPTY;
  const ts = new Float64Array(cap);
  const vs = new Float64Array(cap);
  let n = 0;
  for (const data of parts) n = decodeXorInto(data, mint, maxt, ts, vs, n);
  return { ts, vs, length: n };
}

/** Merges per-source sorted series lists into one sorted list, combining equal label sets. */
function mergeSorted(parts: SeriesView[][], sorted: boolean): SeriesView[] {
  if (parts.length === 0) return [];
  if (parts.length === 1) return parts[0];
  const byKey = new Map<string, SeriesView[]>();
  const order: SeriesView[] = [];
  for (const part of parts) {
    for (const s of part) {
      const key = labelsKey(s.labels);
      const found = byKey.get(key);
      if (found === undefined) {
        byKey.set(key, [s]);
        order.push(s);
      } else {
        found.push(s);
      }
    }
  }
  if (sorted) order.sort((a, b) => compareLabels(a.labels, b.labels));
  return order.map((first) => {
    const all = byKey.get(labelsKey(first.labels))!;
    if (all.length === 1) return first;
    return {
      labels: first.labels,
      samples: (a: number, b: number) => mergeSamples(all.map((s) => s.samples(a, b))),
    };
  });
}

/** Merges sorted sample buffers; on equal timestamps the later buffer wins. */
export function mergeSamples(bufs: SampleBuffer[]): SampleBuffer {
  const nonEmpty = bufs.filter((b) => b.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0];
  // The usual case, one series across consecutive blocks and the head: the
  // parts follow each other in time and are copied once, end to end.
  if (inTimeOrder(nonEmpty)) return concat(nonEmpty);
  let acc = nonEmpty[0];
  for (let k = 1; k < nonEmpty.length; k++) acc = mergeTwo(acc, nonEmpty[k]);
  return acc;
}

function inTimeOrder(bufs: SampleBuffer[]): boolean {
  for (let k = 1; k < bufs.length; k++) {
    const prev = bufs[k - 1];
    if (prev.ts[prev.length - 1] >= bufs[k].ts[0]) return false;
  }
  return true;
}

function concat(bufs: SampleBuffer[]): SampleBuffer {
  let n = 0;
  for (const b of bufs) n += b.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let w = 0;
  for (const b of bufs) {
    ts.set(b.ts.subarray(0, b.length), w);
    vs.set(b.vs.subarray(0, b.length), w);
    w += b.length;
  }
  return { ts, vs, length: n };
}

function mergeTwo(a: SampleBuffer, b: SampleBuffer): SampleBuffer {
  const ts = new Float64Array(a.length + b.length);
  const vs = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a.ts[i] < b.ts[j])) {
      ts[w] = a.ts[i];
      vs[w] = a.vs[i];
      i++;
    } else {
      if (i < a.length && a.ts[i] === b.ts[j]) i++; // b wins a tie
      ts[w] = b.ts[j];
      vs[w] = b.vs[j];
      j++;
    }
    w++;
  }
  return { ts, vs, length: w };
}
