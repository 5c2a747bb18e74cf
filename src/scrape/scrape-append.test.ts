import { describe, expect, it } from "vitest";
import { labelsFromRecord } from "../storage/index.js";
import { compileRelabel } from "./relabel.js";
import {
  type AppendOptions,
  appendScrape,
  ScrapeAppendError,
  type ScrapedEntry,
} from "./scrape-append.js";
import { ScrapeCache } from "./scrape-cache.js";
import { MemoryAppendable } from "./testing.js";
import type { RelabelConfig } from "./types.js";

const target = labelsFromRecord({ instance: "h:9100", job: "node" });

function entry(
  name: string,
  labels: Record<string, string>,
  value: number,
  timestamp?: number,
): ScrapedEntry {
  const l = labelsFromRecord({ ...labels, __name__: name });
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  return { labels: l, value, timestamp, key: inner === "" ? name : `${name}{${inner}}` };
}

function opts(
  o: Partial<AppendOptions> & { relabel?: Partial<RelabelConfig>[] } = {},
): AppendOptions {
  const rules = (o.relabel ?? []).map((c) => ({
    sourceLabels: [],
    separator: ";",
    regex: "(.*)",
    replacement: "$1",
    action: "replace" as const,
    ...c,
  }));
  return {
    targetLabels: target,
    honorLabels: false,
    honorTimestamps: true,
    metricRelabel: compileRelabel(rules),
    sampleLimit: 0,
    labelLimit: 0,
    ...o,
  };
}

/** One scrape through a fresh appender; returns the counts (or the error). */
async function scrape(
  store: MemoryAppendable,
  cache: ScrapeCache,
  entries: ScrapedEntry[],
  ts: number,
  o = opts(),
) {
  cache.begin();
  const app = store.appender();
  try {
    const counts = appendScrape(app, cache, entries, ts, o);
    await app.commit();
    cache.commit();
    return counts;
  } catch (e) {
    app.rollback();
    return e as Error;
  }
}

describe("appendScrape", () => {
  it("adds target labels and counts samples and new series", async () => {
    const store = new MemoryAppendable();
    const cache = new ScrapeCache();
    const counts = await scrape(store, cache, [entry("a", {}, 1), entry("b", { x: "1" }, 2)], 1000);
    expect(counts).toEqual({ scraped: 2, postRelabel: 2, seriesAdded: 2 });
    expect(store.samples.map((s) => [s.series, s.t, s.v])).toEqual([
      ['a{instance="h:9100", job="node"}', 1000, 1],
      ['b{instance="h:9100", job="node", x="1"}', 1000, 2],
    ]);
    // Second scrape: same lines, no new series.
    expect(
      await scrape(store, cache, [entry("a", {}, 3), entry("b", { x: "1" }, 4)], 2000),
    ).toEqual({
      scraped: 2,
      postRelabel: 2,
      seriesAdded: 0,
    });
  });

  it("a cached line costs no label work: its labels are not even read", async () => {
    const store = new MemoryAppendable();
    const cache = new ScrapeCache();
    const o = opts({ relabel: [{ sourceLabels: ["__name__"], regex: "drop_me", action: "drop" }] });
    await scrape(store, cache, [entry("a", { x: "1" }, 1), entry("drop_me", {}, 2)], 1000, o);
    const untouchable = (e: ScrapedEntry): ScrapedEntry => ({
      key: e.key,
      value: e.value + 1,
      get labels(): never {
        throw new Error(`labels of ${e.key} read on a cache hit`);
      },
    });
    const second = [entry("a", { x: "1" }, 0), entry("drop_me", {}, 0)].map(untouchable);
    expect(await scrape(store, cache, second, 2000, o)).toEqual({
      scraped: 2,
      postRelabel: 1,
      seriesAdded: 0,
    });
    expect(store.samples.map((s) => [s.series, s.t, s.v])).toEqual([
      ['a{instance="h:9100", job="node", x="1"}', 1000, 1],
      ['a{instance="h:9100", job="node", x="1"}', 2000, 1],
    ]);
  });

  it("honor_labels false: conflicting scraped labels become exported_*", async () => {
    const store = new MemoryAppendable();
    const e = entry("m", { job: "pushed", instance: "other", exported_job: "taken" }, 1);
    await scrape(store, new ScrapeCache(), [e], 1);
    expect(store.samples[0].series).toBe(
      'm{exported_exported_job="pushed", exported_instance="other", exported_job="taken", instance="h:9100", job="node"}',
    );
  });

  it("honor_labels true: scraped labels win, target labels fill gaps", async () => {
    const store = new MemoryAppendable();
    await scrape(
      store,
      new ScrapeCache(),
      [entry("m", { job: "pushed" }, 1)],
      1,
      opts({ honorLabels: true }),
    );
    expect(store.samples[0].series).toBe('m{instance="h:9100", job="pushed"}');
  });

  it("honor_timestamps: explicit timestamps kept or replaced", async () => {
    const store = new MemoryAppendable();
    await scrape(store, new ScrapeCache(), [entry("m", {}, 1, 500)], 1000);
    await scrape(
      store,
      new ScrapeCache(),
      [entry("m", {}, 1, 500)],
      2000,
      opts({ honorTimestamps: false }),
    );
    expect(store.samples.map((s) => s.t)).toEqual([500, 2000]);
  });

  it("metric relabeling drops and rewrites, once per raw line", async () => {
    const store = new MemoryAppendable();
    const cache = new ScrapeCache();
    const o = opts({
      relabel: [
        { sourceLabels: ["__name__"], regex: "go_.*", action: "drop" },
        { sourceLabels: ["x"], targetLabel: "y", replacement: "copy-$1" },
      ],
    });
    const entries = [entry("go_threads", {}, 9), entry("m", { x: "1" }, 1)];
    expect(await scrape(store, cache, entries, 1, o)).toEqual({
      scraped: 2,
      postRelabel: 1,
      seriesAdded: 1,
    });
    expect(await scrape(store, cache, entries, 2, o)).toEqual({
      scraped: 2,
      postRelabel: 1,
      seriesAdded: 0,
    });
    expect(store.samples.map((s) => s.series)).toEqual([
      'm{instance="h:9100", job="node", x="1", y="copy-1"}',
      'm{instance="h:9100", job="node", x="1", y="copy-1"}',
    ]);
  });

  it("sample_limit: over the limit fails the whole scrape with full counts", async () => {
    const store = new MemoryAppendable();
    const entries = [entry("a", {}, 1), entry("b", {}, 2), entry("c", {}, 3)];
    const err = await scrape(store, new ScrapeCache(), entries, 1, opts({ sampleLimit: 2 }));
    expect(err).toBeInstanceOf(ScrapeAppendError);
    expect((err as ScrapeAppendError).message).toMatch(
      /sample_limit exceeded: 3 samples .* limit 2/,
    );
    expect((err as ScrapeAppendError).counts).toMatchObject({ scraped: 3, postRelabel: 3 });
    expect(store.samples).toEqual([]);
    // Samples dropped by relabeling do not count towards the limit.
    const o = opts({
      sampleLimit: 2,
      relabel: [{ sourceLabels: ["__name__"], regex: "c", action: "drop" }],
    });
    expect(await scrape(store, new ScrapeCache(), entries, 1, o)).toMatchObject({ postRelabel: 2 });
  });

  it("label_limit: a series with too many labels fails the scrape", async () => {
    const store = new MemoryAppendable();
    // __name__, instance, job, a, b = 5 labels.
    const err = await scrape(
      store,
      new ScrapeCache(),
      [entry("m", { a: "1", b: "2" }, 1)],
      1,
      opts({ labelLimit: 4 }),
    );
    expect((err as Error).message).toMatch(/label_limit exceeded: metric m has 5 labels, limit 4/);
    expect(
      await scrape(
        store,
        new ScrapeCache(),
        [entry("m", { a: "1" }, 1)],
        1,
        opts({ labelLimit: 4 }),
      ),
    ).toMatchObject({ postRelabel: 1 });
  });

  it("relabeling away __name__ fails the scrape", async () => {
    const o = opts({ relabel: [{ regex: "__name__", action: "labeldrop" }] });
    const err = await scrape(
      new MemoryAppendable(),
      new ScrapeCache(),
      [entry("m", { a: "1" }, 1)],
      1,
      o,
    );
    expect((err as Error).message).toMatch(/missing metric name/);
  });

  it("stale markers for series gone since the previous scrape, not for explicit timestamps", async () => {
    const store = new MemoryAppendable();
    const cache = new ScrapeCache();
    await scrape(store, cache, [entry("a", {}, 1), entry("b", {}, 2), entry("t", {}, 3, 10)], 1000);
    await scrape(store, cache, [entry("a", {}, 1)], 2000);
    const second = store.samples.filter((s) => s.commit === 2);
    expect(second.map((s) => [s.series, s.stale])).toEqual([
      ['a{instance="h:9100", job="node"}', false],
      ['b{instance="h:9100", job="node"}', true],
    ]);
    expect(second[1].t).toBe(2000);
    // Gone for good: no second stale marker.
    await scrape(store, cache, [entry("a", {}, 1)], 3000);
    expect(store.samples.filter((s) => s.commit === 3 && s.stale)).toEqual([]);
  });

  it("a series reached through two raw lines is stale only when both are gone", async () => {
    const store = new MemoryAppendable();
    const cache = new ScrapeCache();
    // The cache key is the raw text: a line with another label order is another key.
    const a1 = entry("a", { x: "1", y: "2" }, 1);
    const a2 = { ...a1, key: 'a{y="2",x="1"}' };
    await scrape(store, cache, [a1], 1000);
    await scrape(store, cache, [a2], 2000);
    expect(store.samples.filter((s) => s.stale)).toEqual([]);
  });
});
