import { bug } from "../../lib/errors.js";
import type { Label, Labels } from "../../storage/index.js";
import type { DecodedWriteRequest } from "./types.js";

/** The decoder's result: columns plus lazily decoded label sets. */
export class DecodedRequest implements DecodedWriteRequest {
  readonly seriesCount: number;
  readonly sampleCount: number;
  private readonly cache: (Labels | undefined)[];

  constructor(
    private readonly buf: Buffer,
    readonly keys: readonly string[],
    private readonly ranges: Uint32Array,
    private readonly firstLabel: Uint32Array,
    readonly sampleSeries: Uint32Array,
    readonly ts: Float64Array,
    readonly vs: Float64Array,
    readonly skipped: { exemplars: number; histograms: number; metadata: number },
  ) {
    this.seriesCount = keys.length;
    this.sampleCount = ts.length;
    this.cache = new Array<Labels | undefined>(keys.length);
  }

  labels(i: number): Labels {
    if (!(i >= 0 && i < this.seriesCount)) {
      throw bug("series index out of range", { i, seriesCount: this.seriesCount });
    }
    const cached = this.cache[i];
    if (cached !== undefined) return cached;
    const { buf, ranges } = this;
    const out: Label[] = [];
    let sorted = true;
    for (let k = this.firstLabel[i]; k < this.firstLabel[i + 1]; k++) {
      const o = k * 4;
      if (ranges[o + 2] === ranges[o + 3]) continue; // empty value: no label (Prometheus data model)
      const name = buf.toString("utf8", ranges[o], ranges[o + 1]);
      const value = buf.toString("utf8", ranges[o + 2], ranges[o + 3]);
      if (out.length > 0 && out[out.length - 1].name > name) sorted = false;
      out.push({ name, value });
    }
    // The wire is sorted by bytes (code points); Labels by UTF-16 code units.
    // They differ only for names mixing astral and U+E000..U+FFFF characters.
    if (!sorted) out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.cache[i] = out;
    return out;
  }
}
